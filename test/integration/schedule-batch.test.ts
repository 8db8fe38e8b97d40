import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Posthaste, PosthasteApiError } from '../../client/index.js';
import { schedulerDeps } from '../../functions/compose/scheduler.js';
import { silentLog } from '../../functions/core/log.js';
import { sweepScheduled } from '../../functions/core/sweep-scheduled.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';
import { postJson, waitForStatus } from '../helpers/http.js';
import { sendQueueDrained } from '../helpers/send-queue.js';

let pipeline: Pipeline;
let client: Posthaste;

const receivedOf = (id: string) => pipeline.sink!.received.filter((m) => m.raw.toString('latin1').includes(`X-Posthaste-Id: ${id}`));
const deliveriesOf = (id: string) => receivedOf(id).length;
const email = (to: string, extra: Record<string, unknown> = {}) => ({ from: 'app@example.com', to, subject: `to ${to}`, text: 'hello', ...extra });
const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

beforeAll(async () => {
  pipeline = await startPipeline({ scheduleSweepMs: 1000, log: () => silentLog });
  client = new Posthaste({ baseUrl: pipeline.apiUrl, apiKey: 'local-test-key' });
});

afterAll(async () => {
  await pipeline?.stop();
});

describe('POST /v1/emails/batch', () => {
  it('accepts the valid items, names the index and field of the invalid ones, and delivers each valid one once', async () => {
    const result = await client.sendBatch([
      email('one@example.org'),
      email('not an address'),
      email('two@example.org'),
      { ...email('three@example.org'), subject: 'a\r\nBcc: x@evil.test' },
      email('later@example.org', { scheduledAt: inSeconds(3600) }),
    ]);
    expect(result.accepted).toBe(3);
    expect(result.failed).toBe(2);
    expect(result.results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
    const [one, bad, two, injected, later] = result.results as any[];
    expect(one).toMatchObject({ status: 'queued', id: expect.any(String) });
    expect(bad.error).toMatchObject({ status: 422, code: 'validation_failed', field: '[1].to' });
    expect(injected.error.field).toBe('[3].subject');
    expect(later).toMatchObject({ status: 'scheduled', scheduledAt: expect.any(String) });

    for (const id of [one.id, two.id]) {
      const record = await waitForStatus(pipeline.apiUrl, id, ['sent', 'failed']);
      expect(record.status).toBe('sent');
    }
    expect(deliveriesOf(one.id)).toBe(1);
    expect(deliveriesOf(two.id)).toBe(1);
    expect((await client.get(later.id)).status).toBe('scheduled');
  });

  it('answers 202 when every item is accepted and 207 when one is not', async () => {
    const all = await postJson(`${pipeline.apiUrl}/v1/emails/batch`, [email('a@example.org'), email('b@example.org')]);
    expect(all.status).toBe(202);
    expect(all.body.failed).toBe(0);
    const some = await postJson(`${pipeline.apiUrl}/v1/emails/batch`, [email('a@example.org'), { from: 'app@example.com' }]);
    expect(some.status).toBe(207);
    expect(some.body.results[1].error.errors.map((e: any) => e.field)).toEqual(expect.arrayContaining(['[1].to', '[1].subject']));
  });

  it('refuses a body that is not a batch of 1-100 as one 422', async () => {
    for (const body of [email('a@example.org'), [], Array.from({ length: 101 }, () => email('a@example.org'))]) {
      const error = await client.sendBatch(body as never).catch((e) => e);
      expect(error).toBeInstanceOf(PosthasteApiError);
      expect(error.status).toBe(422);
      expect(error.field).toBe('(body)');
    }
  });

  it('replays a batch sent again with the same Idempotency-Key and sends nothing twice', async () => {
    const key = `batch-${Date.now()}`;
    const batch = [email('idem1@example.org'), email('idem2@example.org')];
    const first = await client.sendBatch(batch, { idempotencyKey: key });
    const second = await client.sendBatch(batch, { idempotencyKey: key });
    expect(second).toEqual(first);
    const conflict = await client.sendBatch([email('other@example.org')], { idempotencyKey: key }).catch((e) => e);
    expect(conflict.status).toBe(409);
    for (const r of first.results as any[]) await waitForStatus(pipeline.apiUrl, r.id, ['sent']);
    await queueDrained();
    expect(first.results.map((r: any) => deliveriesOf(r.id))).toEqual([1, 1]);
  });
});

describe('scheduled send', () => {
  it('sends a message scheduled 2 s ahead after its time and not before', async () => {
    const due = inSeconds(2);
    const accepted = await client.send(email('timed@example.org', { scheduledAt: due }));
    expect(accepted).toEqual({ id: expect.any(String), status: 'scheduled', scheduledAt: due });
    const shown = await client.get(accepted.id);
    expect(shown).toMatchObject({ status: 'scheduled', scheduledAt: due });
    expect(shown.events.map((e) => e.type)).toEqual(['scheduled']);

    const record = await waitForStatus(pipeline.apiUrl, accepted.id, ['sent', 'failed'], 10_000);
    expect(record.status).toBe('sent');
    // Not before: the relay received it at or after its time.
    expect(receivedOf(accepted.id).map((m) => m.at >= Date.parse(due))).toEqual([true]);
    const sentAt = record.events.find((e: any) => e.type === 'sent').at;
    expect(Date.parse(sentAt)).toBeGreaterThanOrEqual(Date.parse(due));
    expect(record.events.map((e: any) => e.type)).toEqual(['scheduled', 'queued', 'sent']);
    expect(deliveriesOf(accepted.id)).toBe(1);
  });

  it('accepts an offset other than Z and reports the time in UTC', async () => {
    const at = new Date(Date.now() + 3600_000);
    const local = new Date(at.getTime() + 2 * 3600_000).toISOString().replace('Z', '+02:00');
    const accepted = await client.send(email('offset@example.org', { scheduledAt: local }));
    expect(Date.parse(accepted.scheduledAt!)).toBe(Date.parse(local));
    expect(accepted.scheduledAt!.endsWith('Z')).toBe(true);
    await client.cancel(accepted.id);
  });

  it.each([
    ['in the past', () => new Date(Date.now() - 60_000).toISOString(), /future/],
    ['more than 30 days ahead', () => new Date(Date.now() + 31 * 86_400_000).toISOString(), /30 days/],
    ['without an offset', () => '2030-01-01T09:00:00', /offset/],
    ['not a date', () => 'tomorrow', /ISO 8601/],
  ])('refuses scheduledAt %s with a 422 naming the field', async (_name, value, message) => {
    const error = await client.send(email('never@example.org', { scheduledAt: value() })).catch((e) => e);
    expect(error).toBeInstanceOf(PosthasteApiError);
    expect(error.status).toBe(422);
    expect(error.field).toBe('scheduledAt');
    expect(error.problem.errors[0].message).toMatch(message);
    const inBatch = await client.sendBatch([email('ok@example.org', { scheduledAt: inSeconds(3600) }), email('never@example.org', { scheduledAt: value() })]);
    expect((inBatch.results[1] as any).error.field).toBe('[1].scheduledAt');
    await client.cancel((inBatch.results[0] as any).id);
  });

  it('never delivers a canceled message, and answers a second cancel the same', async () => {
    const due = inSeconds(2);
    const { id } = await client.send(email('canceled@example.org', { scheduledAt: due }));
    // Due at the same time: once the scheduler has sent this one and the queue is empty, it has
    // dealt with the canceled one too.
    const witness = await client.send(email('witness@example.org', { scheduledAt: due }));
    expect(await client.cancel(id)).toEqual({ id, status: 'canceled' });
    expect(await client.cancel(id)).toEqual({ id, status: 'canceled' });
    await waitForStatus(pipeline.apiUrl, witness.id, ['sent'], 10_000);
    await queueDrained();
    const record = await client.get(id);
    expect(record.status).toBe('canceled');
    expect(record.events.map((e) => e.type)).toEqual(['scheduled', 'canceled']);
    expect(deliveriesOf(id)).toBe(0);
  });

  it('refuses to cancel a message that was already sent (409) and an unknown one (404)', async () => {
    const { id } = await client.send(email('gone@example.org'));
    await waitForStatus(pipeline.apiUrl, id, ['sent']);
    const late = await client.cancel(id).catch((e) => e);
    expect(late).toBeInstanceOf(PosthasteApiError);
    expect(late.status).toBe(409);
    expect(late.code).toBe('not_cancelable');
    const missing = await client.cancel('01a2b3c4-0000-7000-8000-00000000dead').catch((e) => e);
    expect(missing.status).toBe(404);
  });

  it('queues a due message once when two sweeps run at the same time', async () => {
    // Due in 4 s: the pipeline's own sweeper (1 s lookahead) leaves it to the two below.
    const due = inSeconds(4);
    const { id } = await client.send(email('raced@example.org', { scheduledAt: due }));
    const shared = schedulerDeps(pipeline.env, pipeline.aws, silentLog);
    // All three sweeps read the message before any of them takes it, so all three race for it.
    const store = shared.messages;
    let reads = 0;
    let everyoneRead = () => {};
    const allRead = new Promise<void>((resolve) => (everyoneRead = resolve));
    const messages: typeof store = Object.create(store, {
      due: {
        value: async (...args: Parameters<typeof store.due>) => {
          const page = await store.due(...args);
          if (++reads === 3) everyoneRead();
          await allRead;
          return page;
        },
      },
    });
    const deps = { ...shared, messages, lookaheadSeconds: 30 };
    const reports = await Promise.all([sweepScheduled(deps), sweepScheduled(deps), sweepScheduled(deps)]);
    // One sweep queued it; the other two saw it, lost the race, and report that, not an error.
    expect(reports.sort((a, b) => b.enqueued - a.enqueued)).toEqual([
      { enqueued: 1, lost: 0, deferred: 0, failed: 0 },
      { enqueued: 0, lost: 1, deferred: 0, failed: 0 },
      { enqueued: 0, lost: 1, deferred: 0, failed: 0 },
    ]);
    expect((await client.get(id)).status).toBe('queued');
    const record = await waitForStatus(pipeline.apiUrl, id, ['sent'], 15_000);
    expect(Date.parse(record.events.find((e: any) => e.type === 'sent').at)).toBeGreaterThanOrEqual(Date.parse(due));
    await queueDrained();
    expect(deliveriesOf(id)).toBe(1);
    expect(record.events.filter((e: any) => e.type === 'queued')).toHaveLength(1);
  });

  it('lets a cancel win over the scheduler while the message waits in the queue delay', async () => {
    const due = inSeconds(5);
    const { id } = await client.send(email('waiting@example.org', { scheduledAt: due }));
    const deps = { ...schedulerDeps(pipeline.env, pipeline.aws, silentLog), lookaheadSeconds: 30 };
    expect((await sweepScheduled(deps)).enqueued).toBe(1);
    expect(await client.cancel(id)).toEqual({ id, status: 'canceled' });
    // The queue counts delayed messages: it is empty once the worker has received this one
    // after its delay and dropped it.
    expect(queueIsEmpty()).toBe(false);
    await queueDrained(15_000);
    expect((await client.get(id)).status).toBe('canceled');
    expect(deliveriesOf(id)).toBe(0);
  });
});

function queueIsEmpty(): boolean {
  return pipeline.queueBodies('send').length === 0;
}

const queueDrained = (timeoutMs?: number) => sendQueueDrained(pipeline, timeoutMs);
