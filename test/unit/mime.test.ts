import libmime from 'libmime';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { mailboxListValue, unstructuredValue } from '../../functions/core/header-encoding.js';
import { buildMime, replaceFieldValues, wrapBase64 } from '../../functions/core/mime.js';
import { parseSendRequest } from '../../functions/core/send-request.js';

const pixel = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
const pdf = Buffer.alloc(5000, 0xa7);

function build(overrides: Record<string, unknown> = {}) {
  const request = parseSendRequest({
    from: { name: 'Zoë Ünïcode', email: 'zoe@example.com' },
    to: ['a@example.org', { name: 'Bob "B" Smith', email: 'b@example.org' }],
    cc: 'Çarla <c@example.org>',
    bcc: 'hidden@example.org',
    replyTo: 'replies@example.com',
    subject: 'Grüße aus Köln — a fairly long subject line that has to be folded across several encoded words',
    text: 'Héllo\nworld',
    html: '<p>Héllo <img src="cid:logo@example"></p>',
    headers: { 'X-Campaign': 'spring', 'List-Unsubscribe': '<mailto:unsub@example.com>' },
    attachments: [
      { filename: 'résumé 2026.pdf', content: pdf.toString('base64'), contentType: 'application/pdf' },
      { filename: 'logo.png', content: pixel.toString('base64'), contentType: 'image/png', contentId: 'logo@example' },
    ],
    ...overrides,
  });
  return buildMime(request, { id: '01a2b3c4-0000-7000-8000-000000000001', date: new Date('2026-11-23T10:00:00Z') });
}

describe('MIME builder', () => {
  it('writes CRLF line ends only, no line over 998 characters, and ends with CRLF', () => {
    const { raw } = build();
    expect(raw).not.toMatch(/[^\r]\n/);
    expect(raw).not.toMatch(/\r(?!\n)/);
    expect(raw.endsWith('\r\n')).toBe(true);
    expect(Math.max(...raw.split('\r\n').map((l) => l.length))).toBeLessThanOrEqual(998);
  });

  it('keeps RFC 2047 encoded words within 75 characters', () => {
    const { raw } = build();
    for (const word of raw.match(/=\?UTF-8\?B\?[^?]*\?=/g) ?? []) expect(word.length).toBeLessThanOrEqual(75);
    expect(unstructuredValue('Subject', 'plain ascii')).toBe('plain ascii');
  });

  it('wraps base64 at 76 characters', () => {
    const wrapped = wrapBase64(Buffer.alloc(300, 1).toString('base64'));
    expect(wrapped.split('\r\n').every((line) => line.length <= 76)).toBe(true);
  });

  it('puts bcc in the envelope and never in the headers', () => {
    const built = build();
    expect(built.envelope.to).toEqual(['a@example.org', 'b@example.org', 'c@example.org', 'hidden@example.org']);
    expect(built.envelope.from).toBe('zoe@example.com');
    expect(built.raw).not.toMatch(/^bcc:/im);
    expect(built.raw).not.toContain('hidden@example.org');
  });

  it('parses back to the same message: names, subject, parts, attachments, inline image', async () => {
    const built = build();
    const parsed = await simpleParser(built.raw);
    expect(parsed.subject).toBe('Grüße aus Köln — a fairly long subject line that has to be folded across several encoded words');
    expect(parsed.from?.value).toEqual([{ name: 'Zoë Ünïcode', address: 'zoe@example.com' }]);
    expect((parsed.to as any).value).toEqual([
      { name: '', address: 'a@example.org' },
      { name: 'Bob "B" Smith', address: 'b@example.org' },
    ]);
    expect((parsed.cc as any).value).toEqual([{ name: 'Çarla', address: 'c@example.org' }]);
    expect((parsed.replyTo as any).value[0].address).toBe('replies@example.com');
    expect(parsed.text?.trim()).toBe('Héllo\nworld');
    expect(parsed.messageId).toBe('<01a2b3c4-0000-7000-8000-000000000001@example.com>');
    expect(parsed.date?.toISOString()).toBe('2026-11-23T10:00:00.000Z');
    expect(parsed.headers.get('x-posthaste-id')).toBe('01a2b3c4-0000-7000-8000-000000000001');
    expect(parsed.headers.get('x-campaign')).toBe('spring');
    const file = parsed.attachments.find((a) => a.contentType === 'application/pdf')!;
    expect(file.filename).toBe('résumé 2026.pdf');
    expect(file.content.equals(pdf)).toBe(true);
    const logo = parsed.attachments.find((a) => a.contentType === 'image/png')!;
    expect(logo.contentId).toBe('<logo@example>');
    expect(logo.related).toBe(true);
    expect(logo.content.equals(pixel)).toBe(true);
  });

  it('nests text and html as multipart/alternative inside related inside mixed', () => {
    const { raw } = build();
    const types = [...raw.matchAll(/^Content-Type: (multipart\/\w+)/gm)].map((m) => m[1]);
    expect(types).toEqual(['multipart/mixed', 'multipart/related', 'multipart/alternative']);
  });

  it('sends plain ASCII as 7bit and anything else as base64', () => {
    const ascii = build({ text: 'plain', html: undefined, attachments: [] }).raw;
    expect(ascii).toMatch(/Content-Transfer-Encoding: 7bit/);
    expect(ascii).not.toMatch(/multipart/);
    const longLine = build({ text: 'x'.repeat(1200), html: undefined, attachments: [] }).raw;
    expect(longLine).toMatch(/Content-Transfer-Encoding: base64/);
  });

  it('encodes non-ASCII custom header values', async () => {
    const { raw } = build({ headers: { 'X-Note': 'café' } });
    expect(raw).toMatch(/^X-Note: =\?UTF-8\?B\?/m);
  });

  it('builds the same bytes for a retry of the same message', () => {
    const a = build().raw.replace(/boundary=\w+|--\w+/g, '');
    const b = build().raw.replace(/boundary=\w+|--\w+/g, '');
    expect(a).toBe(b);
  });
});

const lines = (raw: string) => raw.split('\r\n');
const longest = (raw: string) => Math.max(...lines(raw).map((l) => Buffer.byteLength(l)));
const headerBlock = (raw: string) => raw.slice(0, raw.indexOf('\r\n\r\n'));
/** What a receiver reads for a custom header: unfolded by mailparser, encoded words decoded. */
const customHeader = (mail: Awaited<ReturnType<typeof simpleParser>>, name: string) => libmime.decodeWords(String(mail.headers.get(name)));
const CR_LF_NUL = /[\r\n\u0000]/;

describe('header folding (RFC 5322 §2.1.1, RFC 2047, RFC 2231)', () => {
  it('keeps a 998-character subject without spaces within the line limit and reads it back exactly', async () => {
    const subject = 's'.repeat(998);
    const built = build({ subject });
    expect(longest(built.raw)).toBeLessThanOrEqual(998);
    expect(longest(headerBlock(built.raw))).toBeLessThanOrEqual(78);
    expect((await simpleParser(built.raw)).subject).toBe(subject);
  });

  it('folds long custom header values, with or without whitespace, and they read back exactly', async () => {
    const headers = {
      'X-Unbreakable': 'v'.repeat(998),
      'X-Words': Array.from({ length: 120 }, (_, i) => `word${i}`).join(' '),
      'X-Very-Long-Header-Name-That-Leaves-Little-Room-On-Its-First-Line-Abcdef': `${'é'.repeat(300)} end`,
      'X-Tabs-And-Runs': `a\t\tb${'  c'.repeat(200)}  `,
    };
    const built = build({ headers });
    expect(longest(built.raw)).toBeLessThanOrEqual(998);
    const mail = await simpleParser(built.raw);
    for (const [name, value] of Object.entries(headers)) expect(customHeader(mail, name.toLowerCase()), name).toBe(value.trim());
    // Values with whitespace are folded at it, not encoded: structured custom headers keep their meaning.
    expect(built.raw).toMatch(/^X-Words: word0 word1 /m);
    expect(lines(headerBlock(built.raw)).filter((l) => l.startsWith(' word')).length).toBeGreaterThan(5);
    expect(longest(headerBlock(built.raw).replace(/^X-Very-Long-Header-Name[^\r]*/m, ''))).toBeLessThanOrEqual(78);
  });

  it('folds long display names and long recipient lists', async () => {
    const names = ['Ü'.repeat(256), 'n'.repeat(256), `${'Quoted. Name '.repeat(19)}end`];
    const to = names.map((name, i) => ({ name, email: `r${i}@example.org` }));
    const built = build({ from: { name: '🎉'.repeat(256), email: 'zoe@example.com' }, to, cc: [], replyTo: to });
    expect(longest(built.raw)).toBeLessThanOrEqual(998);
    for (const word of built.raw.match(/=\?UTF-8\?B\?[^?]*\?=/g) ?? []) expect(word.length).toBeLessThanOrEqual(75);
    const mail = await simpleParser(built.raw);
    expect(mail.from?.value).toEqual([{ name: '🎉'.repeat(256), address: 'zoe@example.com' }]);
    const expected = to.map((m) => ({ name: m.name, address: m.email }));
    expect((mail.to as any).value).toEqual(expected);
    expect((mail.replyTo as any).value).toEqual(expected);
  });

  it('writes long and non-ASCII file names as RFC 2231 sections that read back exactly', async () => {
    const filename = `${'🎉é'.repeat(80)}.pdf`;
    const built = build({ attachments: [{ filename, content: pdf.toString('base64'), contentType: 'application/pdf' }] });
    expect(longest(built.raw)).toBeLessThanOrEqual(78);
    expect(built.raw).toMatch(/^ filename\*1\*=/m);
    expect((await simpleParser(built.raw)).attachments.map((a) => a.filename)).toEqual([filename]);
  });

  it('attaches a file named "inline …" and an inline image named "… attachment …" once each', async () => {
    const mail = await simpleParser(
      build({
        attachments: [
          { filename: 'inline report.pdf', content: pdf.toString('base64'), contentType: 'application/pdf' },
          { filename: 'attachment.png', content: pixel.toString('base64'), contentType: 'image/png', contentId: 'logo@example' },
        ],
      }).raw,
    );
    expect(mail.attachments.map((a) => [a.filename, a.contentDisposition, a.related ?? false])).toEqual([
      ['attachment.png', 'inline', true],
      ['inline report.pdf', 'attachment', false],
    ]);
  });

  it('no line of any header is over 78 octets when the values leave room to fold', () => {
    expect(longest(headerBlock(build().raw))).toBeLessThanOrEqual(78);
    expect(mailboxListValue('To', [{ email: 'a@example.org' }, { name: 'B', email: 'b@example.org' }])).toBe('a@example.org, B <b@example.org>');
  });
});

describe('encoded-word look-alikes', () => {
  const evil = '=?UTF-8?B?U3VwcG9ydA0KQmNjOiBldmlsQGV2aWwudGVzdAA=?=';

  it('writes a display name that looks like an encoded word so that it decodes to itself', async () => {
    const built = build({ from: { name: evil, email: 'zoe@example.com' }, to: [{ name: evil, email: 'a@example.org' }], cc: `"${evil}" <c@example.org>` });
    expect(built.raw).not.toContain(evil);
    const mail = await simpleParser(built.raw);
    expect(mail.from?.value).toEqual([{ name: evil, address: 'zoe@example.com' }]);
    expect((mail.to as any).value).toEqual([{ name: evil, address: 'a@example.org' }]);
    expect((mail.cc as any).value).toEqual([{ name: evil, address: 'c@example.org' }]);
    for (const m of [mail.from, mail.to, mail.cc].flatMap((a: any) => a.value)) expect(m.name).not.toMatch(CR_LF_NUL);
    expect(mail.headerLines.map((h) => h.key)).not.toContain('bcc');
  });

  it('does the same for subjects and custom header values', async () => {
    const built = build({ subject: `Re: ${evil}`, headers: { 'X-Note': evil } });
    const mail = await simpleParser(built.raw);
    expect(mail.subject).toBe(`Re: ${evil}`);
    expect(customHeader(mail, 'x-note')).toBe(evil);
  });
});

describe('the mimetext post-processing step', () => {
  it('replaces only the named top-level fields, keeping folded neighbours and the body', () => {
    const raw = 'From: <a@example.com>\r\nTo: <b@example.org>,\r\n <c@example.org>\r\nSubject: =?utf-8?B?eA==?=\r\n\r\nSubject: body\r\n';
    const out = replaceFieldValues(
      raw,
      new Map([
        ['Subject', 'x'],
        ['from', 'A <a@example.com>'],
      ]),
    );
    expect(out).toBe('from: A <a@example.com>\r\nTo: <b@example.org>,\r\n <c@example.org>\r\nSubject: x\r\n\r\nSubject: body\r\n');
  });

  it('fails loudly when mimetext did not write a field it is meant to', () => {
    expect(() => replaceFieldValues('From: <a@example.com>\r\n\r\nbody', new Map([['Reply-To', 'x']]))).toThrow(/Reply-To|reply-to/);
  });
});
