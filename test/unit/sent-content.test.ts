import { describe, expect, it } from 'vitest';
import { newRecord } from '../../functions/core/accept-email.js';
import { deliverEmail } from '../../functions/core/deliver-email.js';
import type { Log } from '../../functions/core/log.js';
import { buildMime } from '../../functions/core/mime.js';
import { type FeedbackStore, type PayloadStore, type SuppressionStore, systemClock, type Transport } from '../../functions/core/ports.js';
import { parseSendRequest } from '../../functions/core/send-request.js';
import { headerList, PART_LIMIT, readContent, sentContent } from '../../functions/core/sent-content.js';
import { MemoryMessageStore, MemoryPayloadStore } from '../helpers/memory-ports.js';

const request = parseSendRequest({
  from: 'App <app@example.com>',
  to: 'ann@example.org',
  bcc: 'audit@example.org',
  subject: 'Receipt №42',
  text: 'Thanks',
  html: '<p>Thanks</p>',
  attachments: [{ filename: 'r.pdf', content: Buffer.from('12345').toString('base64'), contentType: 'application/pdf' }],
});

describe('what a message sent', () => {
  it('is its header block as built (no Bcc), its parts as given, its attachments by name and size', () => {
    const built = buildMime(request, { id: 'm1', date: new Date('2026-12-01T10:00:00Z'), envelopeTo: ['ann@example.org', 'audit@example.org'] });
    const content = sentContent(request, built.raw);
    const names = content.headers.map((h) => h.name);
    expect(names).toEqual(expect.arrayContaining(['From', 'To', 'Subject', 'Message-ID', 'Date', 'MIME-Version', 'Content-Type', 'X-Posthaste-Id']));
    expect(names).not.toContain('Bcc');
    expect(content.headers.find((h) => h.name === 'X-Posthaste-Id')?.value).toBe('m1');
    expect(content).toMatchObject({ text: 'Thanks', html: '<p>Thanks</p>', attachments: [{ filename: 'r.pdf', contentType: 'application/pdf', bytes: 5 }] });
    expect(content.truncated).toBeUndefined();
  });

  it('unfolds folded header lines', () => {
    expect(headerList('Subject: a\r\n long\r\n\tline\r\nTo: b@example.org\r\n\r\nbody')).toEqual([
      { name: 'Subject', value: 'a long line' },
      { name: 'To', value: 'b@example.org' },
    ]);
  });

  it('keeps the start of a part over the limit, never half of a surrogate pair, and says so', () => {
    const long = `${'a'.repeat(PART_LIMIT - 1)}😀tail`;
    const content = sentContent({ ...request, html: long }, 'Subject: x\r\n\r\n');
    expect(content.truncated).toBe(true);
    expect(content.html).toBe('a'.repeat(PART_LIMIT - 1));
    expect(content.text).toBe('Thanks');
  });
});

describe('the deliver use case', () => {
  const accepting: Transport = { name: 'ok', send: async (m) => ({ accepted: m.envelope.to, rejected: [], response: '250 ok' }) };
  const base = {
    transport: accepting,
    suppressions: { suppressedAmong: async () => new Set<string>(), add: async () => true } as unknown as SuppressionStore,
    feedback: { record: async () => true } as unknown as FeedbackStore,
    clock: systemClock,
    leaseSeconds: 30,
  };
  async function deliver(keptContent: PayloadStore | undefined, log: Log = () => undefined) {
    const messages = new MemoryMessageStore();
    await messages.create(newRecord('m1', request, new Date().toISOString()));
    const outcome = await deliverEmail(
      { ...base, messages, log, ...(keptContent ? { keptContent } : {}) },
      { v: 1, id: 'm1', request },
      { receiveCount: 1, maxReceives: 5 },
    );
    return { outcome, record: (await messages.get('m1'))! };
  }

  it('keeps what was sent beside the send', async () => {
    const store = new MemoryPayloadStore();
    expect((await deliver(store)).outcome).toEqual({ result: 'sent' });
    expect(await readContent(store, 'm1')).toMatchObject({ text: 'Thanks', html: '<p>Thanks</p>' });
  });

  it('delivers all the same when the store fails, and says so in the log', async () => {
    const failing: PayloadStore = { put: async () => Promise.reject(new Error('s3 down')), get: async () => undefined, delete: async () => undefined };
    const logged: string[] = [];
    const { outcome, record } = await deliver(failing, (_level, message) => logged.push(message));
    expect(outcome).toEqual({ result: 'sent' });
    expect(record.status).toBe('sent');
    expect(logged).toContain('could not keep the content of a sent message');
  });
});
