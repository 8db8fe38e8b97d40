import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbMessageStore } from '../../functions/adapters/dynamodb-message-store.js';
import { dynamoClient } from '../../functions/compose/clients.js';
import { newRecord, scheduledRecord } from '../../functions/core/accept-email.js';
import type { EmailQuery } from '../../functions/core/email-log.js';
import type { MessageStore, PageRequest } from '../../functions/core/ports.js';
import { parseSendRequest } from '../../functions/core/send-request.js';
import { webhookEventsSince } from '../../functions/core/webhook-events.js';
import { type LocalDynamo, startLocalDynamo } from '../helpers/local-dynamodb.js';
import { MemoryMessageStore } from '../helpers/memory-ports.js';

/**
 * One contract for the messages table, run against the DynamoDB store on dynalite and
 * against the in-memory store the unit tests use: the fake may only be trusted where it
 * behaves like the real thing.
 */
let local: LocalDynamo;
beforeAll(async () => {
  local = await startLocalDynamo();
});
afterAll(async () => {
  await local?.stop();
});

const implementations: [string, (options?: { retentionDays?: number }) => MessageStore][] = [
  ['DynamoDbMessageStore (dynalite)', (options) => new DynamoDbMessageStore(dynamoClient(local.aws), local.env.MESSAGES_TABLE!, options)],
  ['MemoryMessageStore', (options) => new MemoryMessageStore(options)],
];

const request = parseSendRequest({ from: 'a@example.com', to: ['B@example.org', 'c@example.org'], subject: 's', text: 't' });
const t0 = new Date('2030-01-01T00:00:00.000Z');
const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
let n = 0;

describe.each(implementations)('%s', (_name, make) => {
  let store: MessageStore;
  beforeAll(() => {
    store = make();
  });

  const queued = async () => {
    const id = `contract-${Date.now()}-${n++}`;
    await store.create(newRecord(id, request, t0.toISOString()));
    return id;
  };
  const scheduled = async (secondsAhead: number) => {
    const id = `contract-${Date.now()}-${n++}`;
    const record = scheduledRecord(id, request, t0.toISOString(), later(secondsAhead));
    await store.createScheduled(record, { inline: JSON.stringify(request) });
    return { id, dueAt: record.scheduledAt! };
  };
  const failedWith = async (kind: 'retries_exhausted' | 'permanent') => {
    const id = await queued();
    await store.finish(id, { status: 'failed', failure: { kind, reason: `${kind} reason` }, events: [{ type: 'failed', at: t0.toISOString() }] });
    return id;
  };

  it('marks a write that appended a fact for the webhook outbox, until the lines are emitted', async () => {
    const future = new Date('2100-01-01T00:00:00.000Z');
    const quiet = await queued();
    await store.recordAttempt(quiet, { events: [{ type: 'retry', at: t0.toISOString() }] });
    expect(await store.pendingEmission(future, 1000)).not.toContain(quiet);

    const id = await queued();
    await store.finish(id, { status: 'sent', events: [{ type: 'sent', at: t0.toISOString() }] });
    expect(await store.pendingEmission(future, 1000)).toContain(id);
    expect(await store.pendingEmission(new Date('2000-01-01T00:00:00.000Z'), 1000)).not.toContain(id);
    // Emitted up to a position that is already behind (a line arrived meanwhile): the mark stays.
    await store.applyNotification(id, { key: 'n1', status: 'delivered', events: [{ type: 'delivered', at: t0.toISOString() }] });
    await store.markEmitted(id, 2);
    expect((await store.get(id))!.eventsEmitted).toBe(2);
    expect(await store.pendingEmission(future, 1000)).toContain(id);
    await store.markEmitted(id, 3);
    expect(await store.pendingEmission(future, 1000)).not.toContain(id);
    // The position never moves back.
    await store.markEmitted(id, 1);
    expect((await store.get(id))!.eventsEmitted).toBe(3);
  });

  it('creates a record once and reads it back as written', async () => {
    const id = await queued();
    expect(await store.get(id)).toEqual(newRecord(id, request, t0.toISOString()));
    await expect(store.create(newRecord(id, request, t0.toISOString()))).rejects.toThrow();
    expect(await store.get('no-such-id')).toBeUndefined();
    expect(await store.exists(id)).toBe(true);
    expect(await store.exists('no-such-id')).toBe(false);
  });

  it('leases a queued message to one worker at a time, until the lease runs out', async () => {
    const id = await queued();
    expect(await store.claim(id, t0, later(60))).toMatchObject({ outcome: 'claimed', record: { attempts: 1 } });
    expect((await store.claim(id, later(30), later(90))).outcome).toBe('busy');
    expect(await store.claim(id, later(61), later(120))).toMatchObject({ outcome: 'claimed', record: { attempts: 2 } });
    expect((await store.claim('no-such-id', t0, later(60))).outcome).toBe('missing');
  });

  it('records an attempt: history and recipients appended (lower case, once each), lease given back', async () => {
    const id = await queued();
    await store.claim(id, t0, later(60));
    await store.recordAttempt(id, { accepted: ['B@example.org'], events: [{ type: 'retry', at: t0.toISOString(), detail: 'deferred' }] });
    const written = await store.recordAttempt(id, { accepted: ['b@example.org'], rejected: ['C@example.org'], events: [] });
    const record = (await store.get(id))!;
    // What the write returns is what a read finds after it: the outbox tells from it.
    expect(written).toEqual(record);
    expect(record.acceptedRecipients).toEqual(['b@example.org']);
    expect(record.rejectedRecipients).toEqual(['c@example.org']);
    expect(record.events.map((e) => e.type)).toEqual(['queued', 'retry']);
    expect((await store.claim(id, later(1), later(60))).outcome).toBe('claimed');
  });

  it('finishes forward with the failure kind and reason, and a finished message is done for workers', async () => {
    const id = await queued();
    await store.claim(id, t0, later(60));
    const moved = await store.finish(id, {
      status: 'failed',
      relayResponse: '421 try later',
      failure: { kind: 'retries_exhausted', reason: 'retries exhausted: 421 try later' },
      events: [{ type: 'failed', at: t0.toISOString() }],
    });
    expect(moved.moved).toBe(true);
    expect(moved.record).toEqual(await store.get(id));
    expect(await store.get(id)).toMatchObject({
      status: 'failed',
      failureKind: 'retries_exhausted',
      failureReason: 'retries exhausted: 421 try later',
      relayResponse: '421 try later',
    });
    expect((await store.claim(id, later(120), later(180))).outcome).toBe('done');
  });

  it('keeps history, recipients and provider id on a move that is not forward, without touching status or failure', async () => {
    const id = await queued();
    await store.applyNotification(id, { key: 'delivery:1', status: 'delivered', events: [{ type: 'delivered', at: t0.toISOString() }] });
    const moved = await store.finish(id, {
      status: 'sent',
      accepted: ['B@example.org'],
      rejected: ['c@example.org'],
      providerMessageId: 'ses-kept-1',
      relayResponse: '250 ok',
      events: [{ type: 'sent', at: t0.toISOString() }],
    });
    expect(moved.moved).toBe(false);
    const record = (await store.get(id))!;
    expect(moved.record).toEqual(record);
    expect(record).toMatchObject({
      status: 'delivered',
      acceptedRecipients: ['b@example.org'],
      rejectedRecipients: ['c@example.org'],
      providerMessageId: 'ses-kept-1',
    });
    expect(record.events.map((e) => e.type)).toEqual(['queued', 'delivered', 'sent']);
    await store.finish(id, { status: 'queued', failure: { kind: 'permanent', reason: 'x' }, events: [] });
    expect(await store.get(id)).not.toHaveProperty('failureKind');
    expect(await store.finish('no-such-id', { status: 'sent', events: [] })).toEqual({ moved: false, record: undefined });
  });

  it('lists due scheduled messages up to the horizon, hands each to one sweep, and drops it once queued', async () => {
    const soon = await scheduled(30);
    const far = await scheduled(3600);
    const dueIds = async (horizon: Date) => (await store.due(horizon, 1000)).map((d) => d.id);
    expect(await dueIds(later(60))).toContain(soon.id);
    expect(await dueIds(later(60))).not.toContain(far.id);
    const retryAt = later(300);
    expect(await store.take(soon, t0, retryAt)).toEqual({ id: soon.id, scheduledAt: soon.dueAt, payload: { inline: JSON.stringify(request) }, handOffs: 1 });
    expect(await store.take(soon, t0, retryAt)).toBeUndefined();
    expect((await store.get(soon.id))!.status).toBe('queued');
    // Until the enqueue is confirmed it waits in the schedule under its retry time.
    expect(await store.due(later(400), 1000)).toContainEqual({ id: soon.id, dueAt: retryAt.toISOString() });
    await store.enqueued(soon.id, retryAt);
    expect(await dueIds(later(400))).not.toContain(soon.id);
  });

  it('counts the sweeps that took a message, and writes its queued line once, when the queue has it', async () => {
    const entry = await scheduled(10);
    const firstRetry = later(300);
    expect((await store.take(entry, t0, firstRetry))!.handOffs).toBe(1);
    // The sweep died (or the queue refused it): the next sweep takes it again under its retry time.
    const secondRetry = later(900);
    expect((await store.take({ id: entry.id, dueAt: firstRetry.toISOString() }, later(400), secondRetry))!.handOffs).toBe(2);
    await store.enqueued(entry.id, secondRetry, { type: 'queued', at: later(400).toISOString(), detail: 'due: handed to the queue' });
    const record = (await store.get(entry.id))!;
    expect(record.events.filter((e) => e.type === 'queued')).toHaveLength(1);
    expect(await store.due(later(2000), 1000)).not.toContainEqual(expect.objectContaining({ id: entry.id }));
  });

  it('drops a schedule entry left behind once a worker has the message', async () => {
    const entry = await scheduled(5);
    const retryAt = later(10);
    await store.take(entry, t0, retryAt);
    expect((await store.claim(entry.id, t0, later(60))).outcome).toBe('claimed');
    expect(await store.take({ id: entry.id, dueAt: retryAt.toISOString() }, later(20), later(300))).toBeUndefined();
    expect((await store.due(later(400), 1000)).map((d) => d.id)).not.toContain(entry.id);
  });

  it('cancels a message no worker has touched, once, and refuses one already handed to delivery', async () => {
    const entry = await scheduled(60);
    expect((await store.cancel(entry.id, t0)).outcome).toBe('canceled');
    expect((await store.cancel(entry.id, t0)).outcome).toBe('already_canceled');
    expect((await store.due(later(3600), 1000)).map((d) => d.id)).not.toContain(entry.id);
    expect((await store.get(entry.id))!.events.at(-1)!.type).toBe('canceled');

    const id = await queued();
    await store.claim(id, t0, later(60));
    expect(await store.cancel(id, t0)).toMatchObject({ outcome: 'too_late', record: { status: 'queued' } });
    expect((await store.cancel('no-such-id', t0)).outcome).toBe('missing');
  });

  it('reschedules a message still waiting in the schedule, and refuses one a sweep has taken', async () => {
    const entry = await scheduled(60);
    const event = { type: 'scheduled' as const, at: t0.toISOString(), detail: 'rescheduled' };
    const result = await store.reschedule(entry.id, later(7200), event);
    expect(result).toMatchObject({ outcome: 'rescheduled', record: { status: 'scheduled', scheduledAt: later(7200).toISOString() } });
    expect((await store.get(entry.id))!.events.at(-1)).toEqual(event);
    // The schedule follows: not due at the old time, due at the new one, and the old entry cannot be taken.
    expect((await store.due(later(3600), 1000)).map((d) => d.id)).not.toContain(entry.id);
    expect(await store.due(later(7200), 1000)).toContainEqual({ id: entry.id, dueAt: later(7200).toISOString() });
    expect(await store.take(entry, t0, later(9000))).toBeUndefined();
    expect(await store.take({ id: entry.id, dueAt: later(7200).toISOString() }, later(7200), later(9000))).toMatchObject({ id: entry.id });
    expect(await store.reschedule(entry.id, later(8000), event)).toMatchObject({ outcome: 'not_scheduled', record: { status: 'queued' } });

    const now = await queued();
    expect(await store.reschedule(now, later(60), event)).toMatchObject({ outcome: 'not_scheduled', record: { status: 'queued' } });
    expect((await store.reschedule('no-such-id', later(60), event)).outcome).toBe('missing');
  });

  it('requeues only a message whose retries ran out, clearing its failure', async () => {
    const exhausted = await failedWith('retries_exhausted');
    const permanent = await failedWith('permanent');
    expect(await store.requeueExhausted(exhausted, t0)).toBe(true);
    expect(await store.requeueExhausted(exhausted, t0)).toBe(false);
    expect(await store.requeueExhausted(permanent, t0)).toBe(false);
    expect(await store.requeueExhausted('no-such-id', t0)).toBe(false);
    const record = (await store.get(exhausted))!;
    expect(record.status).toBe('queued');
    expect(record).not.toHaveProperty('failureKind');
    expect(record).not.toHaveProperty('failureReason');
    expect(record.events.at(-1)!.type).toBe('requeued');
    expect((await store.claim(exhausted, later(1), later(60))).outcome).toBe('claimed');
  });

  it('applies a notification once, moves the status only forward, and finds the message by provider id', async () => {
    const id = await queued();
    const providerMessageId = `ses-${id}`;
    await store.finish(id, { status: 'sent', providerMessageId, events: [] });
    expect(await store.idByProviderMessageId(providerMessageId)).toBe(id);
    expect(await store.idByProviderMessageId('ses-unknown')).toBeUndefined();
    const bounce = { key: 'bounce:f1', status: 'bounced' as const, events: [{ type: 'bounced' as const, at: t0.toISOString() }] };
    expect(await store.applyNotification(id, bounce)).toBe('applied');
    expect(await store.applyNotification(id, bounce)).toBe('duplicate');
    expect(await store.applyNotification(id, { key: 'delivery:late', status: 'delivered', events: [{ type: 'delivered', at: t0.toISOString() }] })).toBe(
      'applied',
    );
    const record = (await store.get(id))!;
    expect(record.status).toBe('bounced');
    expect(record.events.map((e) => e.type)).toEqual(['queued', 'bounced', 'delivered']);
    const rejected = await queued();
    await store.applyNotification(rejected, {
      key: 'reject:1',
      status: 'failed',
      failure: { kind: 'permanent', reason: 'SES rejected the message: virus' },
      events: [],
    });
    expect(await store.get(rejected)).toMatchObject({ status: 'failed', failureKind: 'permanent', failureReason: 'SES rejected the message: virus' });
    expect(await store.applyNotification('no-such-id', bounce)).toBe('missing');
  });

  describe('the email log', () => {
    // Each run in a year of its own, so the other tests' messages (all at t0) stay out of the window.
    const year = 2040 + n++;
    const minuteOf = (m: number) => new Date(Date.UTC(year, 0, 1, 0, m)).toISOString();
    const window = { since: minuteOf(0), until: minuteOf(59) };
    const five = ['a1@example.org', 'a2@example.org', 'A3@Example.org', 'a4@example.org', 'a5@example.org'];
    const made: string[] = [];

    /** Every page of a listing, following `next`. */
    const everything = async (query: EmailQuery, limit: number) => {
      const ids: string[] = [];
      let after: PageRequest['after'];
      for (let page = 0; page < 50; page++) {
        const out = await store.list(query, { limit, ...(after ? { after } : {}) });
        ids.push(...out.items.map((r) => r.id));
        after = out.next;
        if (!after) break;
      }
      return ids;
    };

    beforeAll(async () => {
      for (let m = 0; m < 12; m++) {
        const id = `log-${year}-${String(m).padStart(2, '0')}`;
        const to = m === 7 ? five.slice(0, 1) : [`u${m}@example.org`];
        const cc = m === 7 ? five.slice(1, 3) : [];
        const bcc = m === 7 ? five.slice(3) : [];
        const req = parseSendRequest({
          from: 'a@example.com',
          to,
          cc,
          bcc,
          subject: `m${m}`,
          text: 't',
          tags: [{ name: 'half', value: m < 6 ? 'first' : 'second' }],
        });
        await store.create(newRecord(id, req, minuteOf(m)));
        made.push(id);
      }
      await store.finish(made[3]!, { status: 'sent', events: [{ type: 'sent', at: minuteOf(30) }] });
      await store.finish(made[8]!, { status: 'sent', events: [{ type: 'sent', at: minuteOf(31) }] });
      await store.applyNotification(made[8]!, { key: 'b8', status: 'bounced', events: [{ type: 'bounced', at: minuteOf(32) }] });
    });

    it('lists newest first and pages without losing or repeating a message', async () => {
      const newest = [...made].reverse();
      expect((await store.list(window, { limit: 100 })).items.map((r) => r.id)).toEqual(newest);
      expect(await everything(window, 5)).toEqual(newest);
      expect(await everything({ since: minuteOf(2), until: minuteOf(4) }, 2)).toEqual(newest.slice(7, 10));
    });

    it('finds a message by any of its recipients, and filters by status, sender and tag', async () => {
      expect(await everything({ ...window, recipient: 'a3@example.org' }, 10)).toEqual([made[7]]);
      expect(await everything({ ...window, status: 'sent' }, 10)).toEqual([made[3]]);
      expect(await everything({ ...window, status: 'bounced' }, 10)).toEqual([made[8]]);
      expect(await everything({ ...window, status: 'queued' }, 3)).toEqual(made.filter((_, i) => i !== 3 && i !== 8).reverse());
      expect(await everything({ ...window, tag: { name: 'half', value: 'first' } }, 4)).toEqual(made.slice(0, 6).reverse());
      expect(await everything({ ...window, tag: { name: 'half', value: 'second' }, status: 'queued' }, 2)).toEqual(
        made
          .slice(6)
          .filter((_, i) => i !== 2)
          .reverse(),
      );
      expect(await everything({ ...window, from: 'nobody@example.com' }, 10)).toEqual([]);
    });

    it('keeps the events it is given in the pull feed once each, oldest first, by type', async () => {
      const record = (await store.get(made[8]!))!;
      await store.recordFeed([{ record, from: 0 }]);
      // Again from 1, and twice in one call (two tells of one message in a group): still once each.
      await store.recordFeed([
        { record, from: 1 },
        { record, from: 2 },
      ]);
      const events = webhookEventsSince(record, record.events);
      const feed = await store.feed({ since: minuteOf(0) }, { limit: 100 });
      expect(feed.items.filter((e) => e.data.id === made[8])).toEqual(events);
      const bounced = await store.feed({ since: minuteOf(0), type: 'email.bounced' }, { limit: 100 });
      expect(bounced.items.filter((e) => e.data.id === made[8]).map((e) => e.type)).toEqual(['email.bounced']);
      const first = await store.feed({ since: minuteOf(0) }, { limit: 1 });
      const rest = await store.feed({ since: minuteOf(0) }, { limit: 100, after: first.next! });
      expect([...first.items, ...rest.items].filter((e) => e.data.id === made[8])).toEqual(events);
    });

    it('stamps expiresAt from its retention, counted from when a scheduled message is due', async () => {
      const kept = make({ retentionDays: 7 });
      const id = `kept-${year}`;
      await kept.create(newRecord(id, request, minuteOf(0)));
      expect((await kept.get(id))!.expiresAt).toBe(Date.parse(minuteOf(0)) / 1000 + 7 * 86_400);
      const due = new Date(Date.parse(minuteOf(0)) + 3 * 86_400_000);
      await kept.createScheduled(scheduledRecord(`${id}-s`, request, minuteOf(0), due), { inline: '{}' });
      expect((await kept.get(`${id}-s`))!.expiresAt).toBe(due.getTime() / 1000 + 7 * 86_400);
    });
  });
});
