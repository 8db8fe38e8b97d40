import type { Server } from 'node:http';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbMessageStore } from '../../functions/adapters/dynamodb-message-store.js';
import { type AwsSettings, dynamoClient } from '../../functions/compose/clients.js';
import { scheduledRecord } from '../../functions/core/accept-email.js';
import { silentLog } from '../../functions/core/log.js';
import type { QueueMessage } from '../../functions/core/ports.js';
import type { QueuedEmail } from '../../functions/core/records.js';
import { stashRequest } from '../../functions/core/scheduled-payload.js';
import { parseSendRequest } from '../../functions/core/send-request.js';
import { type SweepDeps, sweepScheduled } from '../../functions/core/sweep-scheduled.js';
import { ensureTables, LOCAL_TABLES } from '../../local/tables.js';

/** The message store's scheduling writes on dynalite, with a clock the test moves. */
let server: Server;
let messages: DynamoDbMessageStore;
let now = new Date('2030-01-01T00:00:00.000Z');
const clock = { now: () => now };
/** What the sweep queued: each body read back, with its delay. */
const queued: { message: QueuedEmail; delaySeconds?: number }[] = [];
let refuse = new Set<string>();
let n = 0;

const request = parseSendRequest({ from: 'a@example.com', to: 'b@example.org', subject: 's', text: 't' });

async function schedule_(secondsAhead: number): Promise<string> {
  const id = `sched-${Date.now()}-${n++}`;
  const record = scheduledRecord(id, request, now.toISOString(), new Date(now.getTime() + secondsAhead * 1000));
  await messages.createScheduled(record, await stashRequest(undefined, id, request));
  return id;
}

const deps = (): SweepDeps => ({
  messages,
  clock,
  log: silentLog,
  lookaheadSeconds: 60,
  retrySeconds: 120,
  queue: {
    async enqueueBatch(sent: QueueMessage[]) {
      const failed = sent.filter((m) => refuse.has(m.id)).map((m) => ({ id: m.id, reason: 'refused' }));
      for (const m of sent.filter((m) => !refuse.has(m.id))) {
        queued.push({ message: JSON.parse(m.body) as QueuedEmail, ...(m.delaySeconds !== undefined ? { delaySeconds: m.delaySeconds } : {}) });
      }
      return { failed };
    },
  },
});
const timesQueued = (id: string) => queued.filter((e) => e.message.id === id).length;
const inIndex = async (id: string) => (await messages.due(new Date('2100-01-01T00:00:00Z'), 1000)).some((d) => d.id === id);

beforeAll(async () => {
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const aws: AwsSettings = { region: 'us-east-1', local: true, endpoints: { dynamodb: `http://127.0.0.1:${(server.address() as { port: number }).port}` } };
  await ensureTables(dynamoClient(aws));
  messages = new DynamoDbMessageStore(dynamoClient(aws), LOCAL_TABLES.messages);
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

describe('the sweep over the message store', () => {
  it('queues a message within the lookahead with a delay that ends at its due time, and only once', async () => {
    const id = await schedule_(45);
    const later = await schedule_(600);
    const report = await sweepScheduled(deps());
    expect(report.enqueued).toBe(1);
    expect(queued.find((e) => e.message.id === id)).toMatchObject({
      delaySeconds: 45,
      message: { id, dueAt: new Date(now.getTime() + 45_000).toISOString(), request },
    });
    expect(await inIndex(id)).toBe(false);
    expect(await inIndex(later)).toBe(true);
    expect((await sweepScheduled(deps())).enqueued).toBe(0);
    expect(timesQueued(id)).toBe(1);
    const record = (await messages.get(id))!;
    expect(record.status).toBe('queued');
    expect(record).not.toHaveProperty('payload');
  });

  it('takes over a message whose sweep died between taking and queueing it, after the retry time', async () => {
    const id = await schedule_(10);
    const [due] = (await messages.due(new Date(now.getTime() + 60_000), 100)).filter((d) => d.id === id);
    const retryAt = new Date(now.getTime() + 180_000);
    expect(await messages.take(due!, now, retryAt)).toMatchObject({ id });
    // …the sweep dies here. The message is `queued` but not on the queue.
    expect((await sweepScheduled(deps())).enqueued).toBe(0);
    now = new Date(retryAt.getTime() - 30_000);
    expect((await sweepScheduled(deps())).enqueued).toBe(1);
    expect(timesQueued(id)).toBe(1);
    expect(await inIndex(id)).toBe(false);
  });

  it('keeps a message the queue refused and queues it on a later sweep', async () => {
    const id = await schedule_(5);
    refuse = new Set([id]);
    expect(await sweepScheduled(deps())).toMatchObject({ enqueued: 0, deferred: 1 });
    refuse = new Set();
    expect((await sweepScheduled(deps())).enqueued).toBe(0);
    now = new Date(now.getTime() + 200_000);
    expect((await sweepScheduled(deps())).enqueued).toBe(1);
    expect(timesQueued(id)).toBe(1);
  });

  it('drops a stale index entry once a worker has the message, without queueing it again', async () => {
    const id = await schedule_(5);
    const [due] = (await messages.due(new Date(now.getTime() + 60_000), 100)).filter((d) => d.id === id);
    expect(await messages.take(due!, now, new Date(now.getTime() + 1000))).toBeDefined();
    expect((await messages.claim(id, now, new Date(now.getTime() + 60_000))).outcome).toBe('claimed');
    now = new Date(now.getTime() + 5000);
    expect(await sweepScheduled(deps())).toMatchObject({ enqueued: 0, lost: 1 });
    expect(await inIndex(id)).toBe(false);
    expect(timesQueued(id)).toBe(0);
  });

  it('lets a cancel win after the take, and refuses it once a worker claimed the message', async () => {
    const id = await schedule_(5);
    const [due] = (await messages.due(new Date(now.getTime() + 60_000), 100)).filter((d) => d.id === id);
    const retryAt = new Date(now.getTime() + 1000);
    await messages.take(due!, now, retryAt);
    expect((await messages.cancel(id, now)).outcome).toBe('canceled');
    await messages.enqueued(id, retryAt);
    expect((await messages.get(id))!.status).toBe('canceled');
    expect((await messages.claim(id, now, new Date(now.getTime() + 60_000))).outcome).toBe('done');

    const sent = await schedule_(5);
    const [dueSent] = (await messages.due(new Date(now.getTime() + 60_000), 100)).filter((d) => d.id === sent);
    await messages.take(dueSent!, now, retryAt);
    await messages.claim(sent, now, new Date(now.getTime() + 60_000));
    expect((await messages.cancel(sent, now)).outcome).toBe('too_late');
    expect((await messages.cancel('no-such-id', now)).outcome).toBe('missing');
  });
});
