/**
 * The webhook outbox on the real messages table (dynalite): a fact written is told to the
 * webhook queue right after the write, and when the teller dies (here: the queue refuses),
 * the sweep tells it later with the same event id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbMessageStore } from '../../functions/adapters/dynamodb-message-store.js';
import { dynamoClient } from '../../functions/compose/clients.js';
import { newRecord } from '../../functions/core/accept-email.js';
import { EMISSION_GRACE_MS, emittingStore, sweepEmissions } from '../../functions/core/emit-events.js';
import { silentLog } from '../../functions/core/log.js';
import type { FeedEntry } from '../../functions/core/ports.js';
import { parseSendRequest } from '../../functions/core/send-request.js';
import type { WebhookEvent } from '../../functions/core/webhook-events.js';
import { webhookEventId } from '../../functions/core/webhook-events.js';
import { type LocalDynamo, startLocalDynamo } from '../helpers/local-dynamodb.js';

let local: LocalDynamo;
let store: DynamoDbMessageStore;
beforeAll(async () => {
  local = await startLocalDynamo();
  store = new DynamoDbMessageStore(dynamoClient(local.aws), local.env.MESSAGES_TABLE!);
});
afterAll(async () => {
  await local?.stop();
});

const request = parseSendRequest({ from: 'a@example.com', to: 'b@example.org', subject: 's', text: 't' });
let n = 0;

function queue() {
  const published: WebhookEvent[] = [];
  let refusing = false;
  return {
    published,
    refuse: (on: boolean) => {
      refusing = on;
    },
    publishEvents: async (events: WebhookEvent[]) => {
      if (refusing) throw new Error('queue unavailable');
      published.push(...events);
    },
  };
}

/** A message sent whose `email.sent` the queue refused: written and marked, told to nobody. */
async function untoldSent() {
  const q = queue();
  const deps = { messages: store, queue: q, clock: { now: () => new Date() }, log: silentLog };
  const messages = emittingStore(store, deps);
  const id = `outbox-${n++}`;
  await store.create(newRecord(id, request, new Date().toISOString()));
  q.refuse(true);
  await expect(messages.finish(id, { status: 'sent', events: [{ type: 'sent', at: new Date().toISOString() }] })).resolves.toMatchObject({
    moved: true,
    record: { status: 'sent' },
  });
  expect(q.published).toEqual([]);
  expect((await store.get(id))!.status).toBe('sent');
  q.refuse(false);
  return { q, deps, id };
}

describe('the webhook outbox', () => {
  it('tells each fact once, right after the write', async () => {
    const q = queue();
    const deps = { messages: store, queue: q, clock: { now: () => new Date() }, log: silentLog };
    const messages = emittingStore(store, deps);
    const id = `outbox-${n++}`;
    await store.create(newRecord(id, request, new Date().toISOString()));
    await messages.recordAttempt(id, { events: [{ type: 'retry', at: new Date().toISOString() }] });
    expect(q.published).toEqual([]);
    await messages.finish(id, { status: 'sent', events: [{ type: 'sent', at: new Date().toISOString(), response: '250 ok' }] });
    await messages.applyNotification(id, { key: 'd1', status: 'delivered', events: [{ type: 'delivered', at: new Date().toISOString() }] });
    // A redelivered notification appends nothing and tells nothing new.
    await messages.applyNotification(id, { key: 'd1', status: 'delivered', events: [{ type: 'delivered', at: new Date().toISOString() }] });
    expect(q.published.map((e) => e.type)).toEqual(['email.sent', 'email.delivered']);
    expect(q.published.map((e) => e.id)).toEqual([webhookEventId(id, 2), webhookEventId(id, 3)]);
    expect(q.published[0]!.data).toMatchObject({ id, from: 'a@example.com', to: ['b@example.org'], response: '250 ok' });
    const later = { ...deps, clock: { now: () => new Date(Date.now() + EMISSION_GRACE_MS + 1000) } };
    expect((await sweepEmissions(later)).events).toBe(0);
  });

  it('leaves a fact it could not tell to the sweep, which tells it with the same id', async () => {
    const { q, deps, id } = await untoldSent();
    // Within the grace period the writer may still be telling: the sweep leaves it.
    expect((await sweepEmissions(deps)).events).toBe(0);
    const later = { ...deps, clock: { now: () => new Date(Date.now() + EMISSION_GRACE_MS + 1000) } };
    expect(await sweepEmissions(later)).toEqual({ messages: 1, events: 1 });
    expect(q.published.map((e) => [e.type, e.id])).toEqual([['email.sent', webhookEventId(id, 1)]]);
    expect((await sweepEmissions(later)).messages).toBe(0);
  });

  it('tells from the record its write returned, without reading it back', async () => {
    const q = queue();
    const reads: string[] = [];
    const counted = {
      get: async (id: string) => {
        reads.push(id);
        return store.get(id);
      },
      markEmitted: (id: string, count: number) => store.markEmitted(id, count),
      pendingEmission: (before: Date, limit: number) => store.pendingEmission(before, limit),
      recordFeed: (entries: readonly FeedEntry[]) => store.recordFeed(entries),
    };
    const messages = emittingStore(store, { messages: counted, queue: q, clock: { now: () => new Date() }, log: silentLog });
    const id = `outbox-${n++}`;
    await store.create(newRecord(id, request, new Date().toISOString()));
    await messages.recordAttempt(id, {
      rejected: ['b@example.org'],
      events: [{ type: 'suppressed', at: new Date().toISOString(), recipients: ['b@example.org'] }],
    });
    await messages.finish(id, { status: 'sent', events: [{ type: 'sent', at: new Date().toISOString(), response: '250 ok' }] });
    expect(q.published.map((e) => [e.type, e.id])).toEqual([
      ['email.suppressed', webhookEventId(id, 1)],
      ['email.sent', webhookEventId(id, 2)],
    ]);
    expect(reads).toEqual([]);
    expect((await store.get(id))!.eventsEmitted).toBe(3);
  });

  it('takes a mark sooner when given a shorter grace (as the chaos run does)', async () => {
    const { q, deps, id } = await untoldSent();
    const soon = { ...deps, clock: { now: () => new Date(Date.now() + 2000) } };
    expect((await sweepEmissions(soon)).messages).toBe(0);
    expect(await sweepEmissions({ ...soon, graceMs: 1000 })).toEqual({ messages: 1, events: 1 });
    expect(q.published.map((e) => e.id)).toEqual([webhookEventId(id, 1)]);
  });

  it('tells a cancel', async () => {
    const q = queue();
    const messages = emittingStore(store, { messages: store, queue: q, clock: { now: () => new Date() }, log: silentLog });
    const id = `outbox-${n++}`;
    await store.create(newRecord(id, request, new Date().toISOString()));
    expect((await messages.cancel(id, new Date())).outcome).toBe('canceled');
    expect(q.published.map((e) => e.type)).toEqual(['email.canceled']);
  });
});
