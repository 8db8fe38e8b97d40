import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildMime, encodeWords, wrapBase64 } from '../../functions/core/mime.js';
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
    expect(encodeWords('plain ascii')).toBe('plain ascii');
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
