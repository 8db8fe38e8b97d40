/**
 * Any string the API accepts crosses the queue and comes back identical: characters above
 * U+FFFF (which the local SQS stand-in refuses) and U+FFFE/U+FFFF (which real SQS refuses),
 * in every field, for single, batch and scheduled sends, and for a scheduled message that
 * the queue keeps refusing, which must end failed instead of looping.
 */
import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueSafeJson } from '../../functions/core/claim-check.js';
import { silentLog } from '../../functions/core/log.js';
import type { EmailQueue } from '../../functions/core/ports.js';
import { MAX_HAND_OFFS, sweepScheduled } from '../../functions/core/sweep-scheduled.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';
import { postJson, waitForStatus } from '../helpers/http.js';
import { MemoryMessageStore } from '../helpers/memory-ports.js';

let pipeline: Pipeline;
const delivered = (id: string) => pipeline.sink!.received.find((m) => m.raw.toString('latin1').includes(`X-Posthaste-Id: ${id}`));
const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

const party = {
  from: { name: 'Shop 🎉', email: 'shop@example.com' },
  to: 'Ann 👩‍💻 <ann@example.org>',
  subject: 'hi 🎉 \uffff\ufffe 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  text: 'Party 🥳 at 8 — bring 🍕 \uffff',
  html: '<p>🎈</p>',
  headers: { 'X-Mood': '😀' },
  tags: [{ name: 'kind', value: 'party' }],
};

beforeAll(async () => {
  pipeline = await startPipeline({ scheduleSweepMs: 500, log: () => silentLog });
});

afterAll(async () => {
  await pipeline?.stop();
});

async function expectDeliveredIntact(id: string) {
  await waitForStatus(pipeline.apiUrl, id, ['sent']);
  const parsed = await simpleParser(delivered(id)!.raw);
  expect(parsed.subject).toBe(party.subject);
  expect(parsed.text?.trim()).toBe(party.text);
  expect(parsed.from?.value[0]).toMatchObject({ name: 'Shop 🎉', address: 'shop@example.com' });
  // mailparser leaves unknown headers encoded: decode the RFC 2047 words here.
  const mood = String(parsed.headers.get('x-mood')).replace(/=\?UTF-8\?B\?([^?]*)\?=\s*/gi, (_w, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
  expect(mood).toBe('😀');
}

describe('characters the queue would not carry', () => {
  it('a queue body is printable ASCII and parses back to the same value, whatever the strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const body = queueSafeJson({ a, b });
        expect(body).toMatch(/^[\x20-\x7e]*$/);
        expect(JSON.parse(body)).toEqual({ a, b });
      }),
      { numRuns: 500 },
    );
  });

  it('a single send with emoji and U+FFFF in every field is delivered intact', async () => {
    const res = await postJson(`${pipeline.apiUrl}/v1/emails`, party);
    expect(res.status).toBe(202);
    await expectDeliveredIntact(res.body.id);
  });

  it('batch items are delivered intact', async () => {
    const res = await postJson(`${pipeline.apiUrl}/v1/emails/batch`, [party, { ...party, to: 'bob@example.org' }]);
    expect(res.status).toBe(202);
    for (const item of res.body.results) await expectDeliveredIntact(item.id);
  });

  it('a scheduled send is handed on at its time and delivered intact', async () => {
    const res = await postJson(`${pipeline.apiUrl}/v1/emails`, { ...party, scheduledAt: inSeconds(1) });
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('scheduled');
    await expectDeliveredIntact(res.body.id);
    const record = (await (await fetch(`${pipeline.apiUrl}/v1/emails/${res.body.id}`)).json()) as { events: { type: string }[] };
    expect(record.events.filter((e: { type: string }) => e.type === 'queued')).toHaveLength(1);
  });
});

describe('a scheduled message the queue keeps refusing', () => {
  it(`ends failed with the reason after ${MAX_HAND_OFFS} sweeps, with one history line for the failure`, async () => {
    const messages = new MemoryMessageStore();
    const at = new Date('2026-12-01T10:00:00Z');
    await messages.createScheduled(
      {
        id: 'sched-1',
        status: 'scheduled',
        createdAt: at.toISOString(),
        updatedAt: at.toISOString(),
        from: 'a@example.com',
        to: ['b@example.org'],
        cc: [],
        bcc: [],
        subject: 's',
        tags: [],
        events: [{ type: 'scheduled', at: at.toISOString() }],
        attempts: 0,
        acceptedRecipients: [],
        rejectedRecipients: [],
        scheduledAt: at.toISOString(),
      },
      {
        inline: JSON.stringify({
          from: { email: 'a@example.com' },
          to: [{ email: 'b@example.org' }],
          cc: [],
          bcc: [],
          replyTo: [],
          subject: 's',
          text: 'x',
          headers: {},
          attachments: [],
          tags: [],
        }),
      },
    );
    const refusing: Pick<EmailQueue, 'enqueueBatch'> = {
      enqueueBatch: async (batch) => ({ failed: batch.map((m) => ({ id: m.id, reason: 'InvalidMessageContents' })) }),
    };
    let now = new Date(at.getTime() + 60_000);
    const counted: string[] = [];
    const deps = {
      messages,
      queue: refusing,
      clock: { now: () => now },
      log: silentLog,
      metrics: { count: (name: string) => void counted.push(name), latency: () => undefined },
      lookaheadSeconds: 60,
      retrySeconds: 120,
    };
    const reports = [];
    for (let sweep = 0; sweep < MAX_HAND_OFFS + 2; sweep++) {
      reports.push(await sweepScheduled(deps));
      now = new Date(now.getTime() + 10 * 60_000);
    }
    expect(reports.map((r) => r.deferred)).toEqual([1, 1, 1, 1, 0, 0, 0]);
    expect(reports.map((r) => r.failed)).toEqual([0, 0, 0, 0, 1, 0, 0]);
    const record = (await messages.get('sched-1'))!;
    expect(record).toMatchObject({ status: 'failed', failureKind: 'enqueue_failed', failureReason: expect.stringContaining('InvalidMessageContents') });
    expect(record.events.map((e) => e.type)).toEqual(['scheduled', 'failed']);
    expect(counted).toEqual(['failed']);
  });
});
