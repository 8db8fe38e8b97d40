import { describe, expect, it } from 'vitest';
import { PosthasteError } from '../../functions/core/errors.js';
import { LIMITS, parseSendRequest } from '../../functions/core/send-request.js';

const valid = { from: 'Sender <sender@example.com>', to: 'rcpt@example.org', subject: 'Hi', text: 'Hello' };

function rejection(body: unknown): PosthasteError {
  try {
    parseSendRequest(body);
  } catch (error) {
    if (error instanceof PosthasteError) return error;
    throw error;
  }
  throw new Error('expected the request to be rejected');
}

describe('send request schema', () => {
  it('normalizes addresses in every accepted form', () => {
    const req = parseSendRequest({
      ...valid,
      to: ['a@example.org', { name: 'Bé', email: 'b@example.org' }, '"Doe, Jane" <jane@example.org>'],
      cc: 'cc@example.org',
      bcc: [{ email: 'hidden@example.org' }],
      replyTo: 'Replies <reply@example.com>',
    });
    expect(req.from).toEqual({ name: 'Sender', email: 'sender@example.com' });
    expect(req.to).toEqual([{ email: 'a@example.org' }, { name: 'Bé', email: 'b@example.org' }, { name: 'Doe, Jane', email: 'jane@example.org' }]);
    expect(req.cc).toEqual([{ email: 'cc@example.org' }]);
    expect(req.bcc).toEqual([{ email: 'hidden@example.org' }]);
    expect(req.replyTo).toEqual([{ name: 'Replies', email: 'reply@example.com' }]);
  });

  it('turns an internationalized domain into punycode', () => {
    expect(parseSendRequest({ ...valid, to: 'user@bücher.example' }).to[0]!.email).toBe('user@xn--bcher-kva.example');
  });

  it.each([
    ['plainaddress', 'is not an email address'],
    ['a@b', 'has an invalid domain'],
    ['a..b@example.com', 'has an invalid local part'],
    ['a@-example.com', 'has an invalid domain'],
    [`${'x'.repeat(65)}@example.com`, 'has a local part longer than 64 characters'],
    ['Name <not-an-address>', 'is not an email address'],
  ])('rejects the address %s naming the field', (address, reason) => {
    const error = rejection({ ...valid, to: ['ok@example.org', address] });
    expect(error.status).toBe(422);
    expect(error.code).toBe('validation_failed');
    expect(error.issues).toContainEqual({ field: 'to[1]', message: reason });
  });

  it.each([
    [{ ...valid, subject: 'Hi\r\nBcc: victim@example.com' }, 'subject'],
    [{ ...valid, to: 'a@example.org\r\nRCPT TO:<x@evil.test>' }, 'to'],
    [{ ...valid, from: { name: 'Eve\nBcc: x@evil.test', email: 'e@example.com' } }, 'from.name'],
    [{ ...valid, headers: { 'X-Ok': 'fine\r\nBcc: x@evil.test' } }, 'headers.X-Ok'],
    [{ ...valid, headers: { 'X-Bad\r\nBcc': 'x' } }, 'headers.X-Bad\r\nBcc'],
    [{ ...valid, attachments: [{ filename: 'a\r\n.txt', content: 'aGk=' }] }, 'attachments[0].filename'],
    [{ ...valid, subject: 'nul\u0000byte' }, 'subject'],
  ])('rejects CR, LF and NUL in anything that reaches a header (%#)', (body, field) => {
    const error = rejection(body);
    expect(error.status).toBe(422);
    expect(error.issues.map((i) => i.field)).toContain(field);
  });

  it('refuses headers that Posthaste writes itself', () => {
    const error = rejection({ ...valid, headers: { Bcc: 'x@example.org', 'content-type': 'text/plain', 'X-Fine': 'yes' } });
    expect(error.issues.map((i) => i.field).sort()).toEqual(['headers.Bcc', 'headers.content-type']);
  });

  it('names missing and wrongly typed fields', () => {
    const error = rejection({ from: 'a@example.com', to: 5, text: 1 });
    const fields = error.issues.map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['to', 'subject', 'text']));
  });

  it('requires text or html', () => {
    expect(rejection({ from: valid.from, to: valid.to, subject: 'x' }).issues).toContainEqual({ field: 'text', message: 'text or html is required' });
  });

  it('rejects unknown fields by name', () => {
    expect(rejection({ ...valid, attachmnts: [] }).issues).toContainEqual({ field: 'attachmnts', message: 'is not a known field' });
  });

  it('rejects attachments that are not base64', () => {
    expect(rejection({ ...valid, attachments: [{ filename: 'a.bin', content: 'not base64!' }] }).issues[0]!.field).toBe('attachments[0].content');
  });

  it('accepts wrapped base64 and strips the line breaks', () => {
    const req = parseSendRequest({ ...valid, attachments: [{ filename: 'a.bin', content: 'aGVs\r\nbG8=', contentType: 'application/octet-stream' }] });
    expect(req.attachments[0]!.content).toBe('aGVsbG8=');
  });

  it('limits recipients to 50 across to, cc and bcc', () => {
    const many = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}@example.org`);
    expect(() => parseSendRequest({ ...valid, to: many(20, 't'), cc: many(20, 'c'), bcc: many(10, 'b') })).not.toThrow();
    const error = rejection({ ...valid, to: many(20, 't'), cc: many(20, 'c'), bcc: many(11, 'b') });
    expect(error.code).toBe('too_many_recipients');
    expect(error.status).toBe(422);
    expect(error.issues[0]!.field).toBe('to');
  });

  it('refuses a message over 10 MB with 413', () => {
    const content = Buffer.alloc(Math.ceil(LIMITS.messageBytes * 0.76)).toString('base64');
    const error = rejection({ ...valid, attachments: [{ filename: 'big.bin', content }] });
    expect(error.status).toBe(413);
    expect(error.code).toBe('payload_too_large');
    expect(error.issues[0]!.field).toBe('attachments');
  });

  it('accepts tags with the SES character set only', () => {
    expect(parseSendRequest({ ...valid, tags: [{ name: 'campaign', value: 'spring_2026' }] }).tags).toHaveLength(1);
    expect(rejection({ ...valid, tags: [{ name: 'bad tag', value: 'x' }] }).issues[0]!.field).toBe('tags[0].name');
  });

  it('rejects duplicate content ids', () => {
    const img = { filename: 'a.png', content: 'aGk=', contentType: 'image/png', contentId: 'logo' };
    expect(rejection({ ...valid, attachments: [img, img] }).issues[0]!.field).toBe('attachments[1].contentId');
  });
});

describe('Unicode at the boundary', () => {
  it.each([
    [{ ...valid, subject: 'broken \ud800 half' }, 'subject'],
    [{ ...valid, text: 'x\udc00' }, 'text'],
    [{ ...valid, attachments: [{ filename: '\ud800.pdf', content: 'aGk=' }] }, 'attachments[0].filename'],
    [{ ...valid, headers: { 'X-A': '\ud800' } }, 'headers.X-A'],
    [{ ...valid, from: { name: 'A\udfff', email: 'a@example.com' } }, 'from.name'],
  ])('rejects lone surrogates that cannot become UTF-8 (%#)', (body, field) => {
    expect(rejection(body).issues.map((i) => i.field)).toContain(field);
  });

  it('accepts astral characters (valid surrogate pairs)', () => {
    expect(parseSendRequest({ ...valid, subject: 'rocket 🚀', text: '𝔘𝔫𝔦𝔠𝔬𝔡𝔢' }).subject).toBe('rocket 🚀');
  });
});
