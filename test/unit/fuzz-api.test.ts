import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { v7 as uuidv7 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/api-gateway-adapter.js';
import type { Mailbox } from '../../functions/core/address.js';
import { checkOut } from '../../functions/core/check-out.js';
import { checkIn } from '../../functions/core/claim-check.js';
import { silentLog } from '../../functions/core/log.js';
import { buildMime } from '../../functions/core/mime.js';
import { systemClock } from '../../functions/core/ports.js';
import type { EmailRequest } from '../../functions/core/send-request.js';
import { toProxyEvent } from '../../local/http-gateway.js';
import { lambdaContext } from '../../local/sqs-poller.js';
import { MemoryMessageStore, MemoryPayloadStore, MemoryQueue, passThroughIdempotency, unreachable } from '../helpers/memory-ports.js';

/** 1,000 runs in `npm test`; FUZZ_RUNS=10000 for the long run. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);

const store = new MemoryMessageStore();
const payloads = new MemoryPayloadStore();
const queue = new MemoryQueue();
const handler = createApiHandler(
  {
    accept: { messages: store, queue, clock: systemClock, newId: uuidv7 },
    messages: store,
    idempotency: passThroughIdempotency,
    suppressions: unreachable('suppressions'),
    feedback: unreachable('feedback'),
  },
  silentLog,
);

function event(body: string) {
  const req = Object.assign(Object.create(null), {
    method: 'POST',
    url: '/v1/emails',
    rawHeaders: ['content-type', 'application/json'],
    socket: { remoteAddress: '127.0.0.1' },
  });
  return toProxyEvent(req, Buffer.from(body, 'utf8'), 'fuzz');
}

// Strings that try to break out of a header or an SMTP command.
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '\r\n',
    '\n',
    '\r',
    '\u0000',
    '\r\nBcc: victim@evil.test',
    '\nX-Injected: 1',
    '=?utf-8?B?DQpCY2M6IHg=?=',
    '<a@b.c>\r\nRCPT TO:<x@y.z>',
    '"',
    '\\',
    '\u2028',
    '\ud800',
  ),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);
const huge = fc.constantFrom('x'.repeat(100_000), 'é'.repeat(20_000), '\r\n'.repeat(5000));
// Display names around the 256-character limit, in both forms (the string form once slipped past it).
const longName = fc.tuple(fc.integer({ min: 250, max: 262 }), fc.constantFrom('N', 'é', ' ', '🎉'), fc.emailAddress());
const nearLimit = fc.oneof(
  longName.map(([n, c, email]) => `${c.repeat(n)}x <${email}>`),
  longName.map(([n, c, email]) => ({ name: `${c.repeat(n)}x`, email })),
);
const address = fc.oneof(
  fc.emailAddress(),
  nearLimit,
  fc.tuple(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.emailAddress()).map(([name, email]) => `${name} <${email}>`),
  fc.record({ name: nasty, email: fc.emailAddress() }),
  nasty,
);
const addresses = fc.oneof(address, fc.array(address, { maxLength: 4 }));
const wrongType = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.object({ maxDepth: 3 }));
const field = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: arb }, { weight: 1, arbitrary: wrongType });

const requestLike = fc.record(
  {
    from: field(address),
    to: field(addresses),
    cc: field(addresses),
    bcc: field(addresses),
    replyTo: field(addresses),
    subject: field(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 80 }), nasty, huge)),
    text: field(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), huge)),
    html: field(fc.string({ unit: 'grapheme', maxLength: 200 })),
    headers: field(fc.dictionary(fc.oneof(fc.constantFrom('X-Tag', 'Bcc', 'Subject', 'X-A\r\nB'), fc.string({ maxLength: 12 })), nasty, { maxKeys: 3 })),
    attachments: field(
      fc.array(
        fc.record(
          {
            filename: nasty,
            content: fc.oneof(
              fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('base64')),
              nasty,
            ),
            contentType: fc.oneof(fc.constantFrom('image/png', 'application/pdf', 'text/plain'), nasty),
            contentId: nasty,
          },
          { requiredKeys: ['filename', 'content'] },
        ),
        { maxLength: 3 },
      ),
    ),
    tags: field(fc.array(fc.record({ name: nasty, value: nasty }), { maxLength: 2 })),
  },
  { requiredKeys: [] },
);

// Mostly valid requests with hostile-but-legal content, so the MIME property is exercised often.
const printable = fc.string({ unit: 'grapheme', maxLength: 60 });
// Values near the 998-character limits, with and without whitespace to fold at.
const long = fc.string({ unit: fc.constantFrom('x', 'x', 'x', 'é', ' ', '=', '?', '🎉'), minLength: 900, maxLength: 998 });
const plausible = fc.record(
  {
    from: fc.oneof(fc.emailAddress(), nearLimit, fc.record({ name: fc.oneof(printable, nasty), email: fc.emailAddress() })),
    to: fc.array(fc.oneof(fc.emailAddress(), fc.record({ name: printable, email: fc.emailAddress() })), { minLength: 1, maxLength: 3 }),
    bcc: fc.array(fc.emailAddress(), { maxLength: 2 }),
    subject: fc.oneof(printable, nasty, long),
    text: fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), huge),
    html: fc.string({ unit: 'grapheme', maxLength: 200 }),
    headers: fc.dictionary(fc.stringMatching(/^X-[A-Za-z0-9-]{1,20}$/), fc.oneof(printable, nasty, long), { maxKeys: 3 }),
    attachments: fc.array(
      fc.record({
        filename: fc.oneof(
          printable.filter((f) => f.length > 0),
          nasty,
        ),
        content: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('base64')),
        contentType: fc.constantFrom('image/png', 'application/pdf', 'text/plain'),
      }),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: ['from', 'to', 'subject', 'text'] },
);

const body = fc.oneof(
  { weight: 6, arbitrary: plausible.map((r) => JSON.stringify(r)) },
  { weight: 4, arbitrary: requestLike.map((r) => JSON.stringify(r)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 30 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map((depth) => `${'{"to":'.repeat(depth)}1${'}'.repeat(depth)}`) },
);

const BASE_HEADERS = [
  'date',
  'from',
  'to',
  'cc',
  'reply-to',
  'message-id',
  'subject',
  'mime-version',
  'x-posthaste-id',
  'content-type',
  'content-transfer-encoding',
];

type Parsed = Awaited<ReturnType<typeof simpleParser>>;
type ParsedAddresses = { value: { address?: string; name: string }[] };
const listed = (value: unknown): { address?: string; name: string }[] =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).flatMap((v: ParsedAddresses) => v.value);

/** Space around an unstructured header value is not part of it (RFC 5322 §3.2.5): receivers drop it unless it was encoded. */
const unpadded = (value: string) => value.replace(/^[ \t]+|[ \t]+$/g, '');

const ENCODED_WORD = /=\?UTF-8\?([BQ])\?([^?]*)\?=/gi;

/** RFC 2047 encoded words in UTF-8, as a receiver decodes them (mailparser leaves custom headers encoded). */
function decodeWords(value: string): string {
  return value.replace(/(\?=)[ \t]+(?==\?)/g, '$1').replace(/(?:=\?UTF-8\?[BQ]\?[^?]*\?=)+/gi, (run) => {
    const bytes = [...run.matchAll(ENCODED_WORD)].map(([, encoding, text]) =>
      encoding!.toUpperCase() === 'B'
        ? Buffer.from(text!, 'base64')
        : Buffer.from(
            text!.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
            'latin1',
          ),
    );
    return Buffer.concat(bytes).toString('utf8');
  });
}

/** What a receiving parser reads back is what was asked for: addresses, names, subject, every custom header's value. */
function expectHeaders(mail: Parsed, request: EmailRequest) {
  const expectMailboxes = (value: unknown, mailboxes: Mailbox[]) =>
    expect(listed(value).map((m) => ({ email: m.address, name: m.name }))).toEqual(mailboxes.map((m) => ({ email: m.email, name: m.name ?? '' })));
  expectMailboxes(mail.from, [request.from]);
  expectMailboxes(mail.to, request.to);
  expectMailboxes(mail.cc, request.cc);
  expectMailboxes(mail.replyTo, request.replyTo);
  expect(unpadded(mail.subject ?? '')).toBe(unpadded(request.subject));
  for (const [name, value] of Object.entries(request.headers)) {
    const read = decodeWords(String(mail.headers.get(name.toLowerCase()) ?? ''));
    expect(unpadded(read), name).toBe(unpadded(value));
  }
}

describe('API fuzzing', () => {
  it(`never answers 5xx or throws; every accepted body crosses the queue, is read back by the deliver worker and builds MIME with exactly the expected headers (${RUNS} runs)`, async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(body, async (raw) => {
        const before = queue.sent.length;
        const res = await handler(event(raw), lambdaContext('fuzz'));
        expect(res.statusCode).toBeLessThan(500);
        const parsed = JSON.parse(res.body);
        if (res.statusCode !== 202) {
          expect(res.headers?.['content-type']).toBe('application/problem+json');
          expect(typeof parsed.code).toBe('string');
          expect(queue.sent.length).toBe(before);
          return;
        }
        accepted++;
        // Through the queue as the deliver worker reads it: the body the API queued, and the
        // same message sent by claim ticket; both give back exactly what was accepted.
        const sent = queue.sent.at(-1)!;
        const inline = await checkOut(sent.body, undefined);
        if (!inline.readable) throw new Error(`accepted, then refused at delivery: ${inline.reason}`);
        const queued = inline.message;
        expect(queued).toEqual(JSON.parse(sent.body));
        const ticket = await checkIn(payloads, { message: queued }, 0);
        const claimed = await checkOut(ticket.body, payloads);
        expect(claimed.readable && claimed.message).toEqual(queued);

        const built = buildMime(queued.request, { id: queued.id });
        const mail = await simpleParser(built.raw);
        const names = new Set(mail.headerLines.map((h) => h.key));
        const allowed = new Set([...BASE_HEADERS, ...Object.keys(queued.request.headers).map((h) => h.toLowerCase())]);
        for (const name of names) expect(allowed, `unexpected header ${name}`).toContain(name);
        for (const name of Object.keys(queued.request.headers)) expect(names).toContain(name.toLowerCase());
        expect(names.has('bcc')).toBe(false);
        expect(mail.headers.get('x-posthaste-id')).toBe(queued.id);
        // RFC 5322 §2.1.1: no line of a message may pass 998 octets.
        for (const line of built.raw.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(998);
        // Nothing a receiver decodes may break out of its header.
        const mailboxes = [mail.from, mail.to, mail.cc, mail.replyTo]
          .flatMap((a) => (a === undefined ? [] : Array.isArray(a) ? a : [a]))
          .flatMap((a) => a.value);
        for (const decoded of [mail.subject ?? '', ...mailboxes.map((m) => m.name)]) expect(decoded).not.toMatch(/[\r\n\u0000]/);
        for (const rcpt of built.envelope.to) expect(rcpt).toMatch(/^[^\s<>\r\n]+@[^\s<>\r\n]+$/);
        expectHeaders(mail, queued.request);
      }),
      { numRuns: RUNS },
    );
    console.log(`fuzz: ${RUNS} bodies, ${accepted} accepted`);
    expect(accepted).toBeGreaterThan(0);
  }, 300_000);
});
