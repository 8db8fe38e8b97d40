/**
 * The email log, the bounce list and the event feed over HTTP, through the real API handler
 * and its composition, the messages and feedback tables on dynalite. Messages are sent with
 * POST /v1/emails (the queue is in memory: nothing here delivers), then moved along their
 * lifecycle through the same message store the deliver and events functions use.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Posthaste } from '../../client/index.js';
import { documentClient } from '../../functions/adapters/dynamodb-document.js';
import { DynamoDbFeedbackStore } from '../../functions/adapters/dynamodb-feedback-store.js';
import { DynamoDbMessageStore } from '../../functions/adapters/dynamodb-message-store.js';
import { createApiHandler } from '../../functions/api/api-gateway-adapter.js';
import { apiDeps } from '../../functions/compose/api.js';
import { dynamoClient } from '../../functions/compose/clients.js';
import { webhookBody } from '../../functions/core/dispatch-webhooks.js';
import { emittingStore } from '../../functions/core/emit-events.js';
import { feedbackKey } from '../../functions/core/feedback.js';
import { silentLog } from '../../functions/core/log.js';
import type { FeedbackRecord } from '../../functions/core/records.js';
import type { WebhookEvent } from '../../functions/core/webhook-events.js';
import { type Gateway, startGateway } from '../../local/http-gateway.js';
import { LOCAL_TABLES } from '../../local/tables.js';
import { getJson, postJson } from '../helpers/http.js';
import { type LocalDynamo, startLocalDynamo } from '../helpers/local-dynamodb.js';
import { MemoryQueue } from '../helpers/memory-ports.js';

let local: LocalDynamo;
let gateway: Gateway;
let store: DynamoDbMessageStore;
/** The events the webhook queue was handed, as the dispatcher would POST them. */
const published: WebhookEvent[] = [];
/** Every message sent, oldest first. */
const sent: { id: string; createdAt: string; to: string[]; tag?: string }[] = [];

const T0 = Date.parse('2030-03-01T08:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
let minute = 0;

const MANY = ['One@Example.org', 'two@example.org', 'Third.Person@Example.org', 'four@example.org', 'five@example.org'];

beforeAll(async () => {
  local = await startLocalDynamo();
  const deps = apiDeps({ ...local.env, QUEUE_URL: 'http://127.0.0.1:9/000000000000/q', MESSAGE_RETENTION_DAYS: '30' }, local.aws);
  // Send i at minute i: the log's order is known.
  deps.accept.queue = new MemoryQueue();
  deps.accept.clock = { now: () => new Date(T0 + minute * 60_000) };
  gateway = await startGateway({ handler: createApiHandler(deps, silentLog) });
  store = new DynamoDbMessageStore(dynamoClient(local.aws), local.env.MESSAGES_TABLE!);

  for (let i = 0; i < 24; i++) {
    minute = i;
    const tag = i % 3 === 0 ? 'spring' : 'autumn';
    const to = i === 10 ? MANY.slice(0, 2) : [`user${i}@example.org`];
    const body = {
      from: i % 4 === 0 ? 'News <news@example.com>' : 'app@example.com',
      to,
      ...(i === 10 ? { cc: MANY.slice(2, 4), bcc: MANY.slice(4) } : {}),
      subject: `message ${i}`,
      text: 'hello',
      tags: [{ name: 'campaign', value: tag }],
    };
    const res = await postJson(`${gateway.url}/v1/emails`, body);
    expect(res.status).toBe(202);
    sent.push({ id: res.body.id, createdAt: at(i), to, tag });
  }

  // Along the lifecycle, telling the webhook queue (and the pull feed) as deliver and events do.
  const emitting = emittingStore(store, {
    messages: store,
    queue: { publishEvents: async (events) => void published.push(...events) },
    clock: { now: () => new Date() },
    log: silentLog,
  });
  for (let i = 0; i < 24; i++) {
    const { id } = sent[i]!;
    if (i % 6 === 5) continue; // still queued
    await emitting.finish(id, { status: 'sent', events: [{ type: 'sent', at: at(100 + i), response: '250 ok' }] });
    if (i % 4 === 1) {
      await emitting.applyNotification(id, {
        key: `b${i}`,
        status: 'bounced',
        events: [{ type: 'bounced', at: at(200 + i), recipients: sent[i]!.to, detail: 'Permanent/General' }],
      });
    } else await emitting.applyNotification(id, { key: `d${i}`, status: 'delivered', events: [{ type: 'delivered', at: at(200 + i) }] });
  }
});

afterAll(async () => {
  await gateway?.stop();
  await local?.stop();
});

const newestFirst = () => [...sent].reverse().map((m) => m.id);
const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((m) => m.id);

/** Every page of a listing, following nextCursor. */
async function allPages(path: string, limit: number): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await getJson(`${gateway.url}${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    items.push(...res.body.data);
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor && pages < 100);
  return { items, pages };
}

describe('GET /v1/emails', () => {
  it('lists every message newest first', async () => {
    const res = await getJson(`${gateway.url}/v1/emails?limit=100`);
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual(newestFirst());
    expect(res.body.nextCursor).toBeUndefined();
  });

  it('pages through the log without losing or repeating a message', async () => {
    const { items, pages } = await allPages('/v1/emails', 5);
    expect(items.map((m) => m.id)).toEqual(newestFirst());
    expect(pages).toBe(5);
  });

  it('answers a small summary per message, with its last event', async () => {
    const res = await getJson(`${gateway.url}/v1/emails?limit=100`);
    const many = res.body.data.find((m: { id: string }) => m.id === sent[10]!.id);
    expect(many).toEqual({
      id: sent[10]!.id,
      status: 'delivered',
      from: 'app@example.com',
      to: ['One@example.org', 'two@example.org'],
      cc: ['Third.Person@example.org', 'four@example.org'],
      bcc: ['five@example.org'],
      subject: 'message 10',
      tags: [{ name: 'campaign', value: 'autumn' }],
      createdAt: at(10),
      updatedAt: expect.any(String),
      lastEvent: { type: 'delivered', at: at(210) },
    });
    const plain = res.body.data.find((m: { id: string }) => m.id === sent[0]!.id);
    expect(plain).not.toHaveProperty('cc');
    expect(plain).not.toHaveProperty('bcc');
  });

  it('finds a message sent to five recipients by the third of them, whatever the case', async () => {
    const res = await getJson(`${gateway.url}/v1/emails?recipient=${encodeURIComponent('third.person@EXAMPLE.org')}`);
    expect(ids(res)).toEqual([sent[10]!.id]);
    expect(ids(await getJson(`${gateway.url}/v1/emails?recipient=five@example.org`))).toEqual([sent[10]!.id]);
    expect(ids(await getJson(`${gateway.url}/v1/emails?recipient=user7@example.org`))).toEqual([sent[7]!.id]);
    expect(ids(await getJson(`${gateway.url}/v1/emails?recipient=nobody@example.org`))).toEqual([]);
  });

  it('filters by status, also after the status moved', async () => {
    const bounced = sent.filter((_, i) => i % 6 !== 5 && i % 4 === 1).map((m) => m.id);
    const queued = sent.filter((_, i) => i % 6 === 5).map((m) => m.id);
    expect(ids(await getJson(`${gateway.url}/v1/emails?status=bounced`))).toEqual(bounced.reverse());
    expect(ids(await getJson(`${gateway.url}/v1/emails?status=queued`))).toEqual(queued.reverse());
    expect(ids(await getJson(`${gateway.url}/v1/emails?status=sent`))).toEqual([]);
    const { items } = await allPages('/v1/emails?status=delivered', 4);
    expect(items.every((m) => m.status === 'delivered')).toBe(true);
    expect(items).toHaveLength(24 - bounced.length - queued.length);
  });

  it('filters by tag and by sender', async () => {
    const spring = sent.filter((m) => m.tag === 'spring').map((m) => m.id);
    expect(ids(await getJson(`${gateway.url}/v1/emails?tag=campaign:spring`))).toEqual(spring.reverse());
    const news = sent.filter((_, i) => i % 4 === 0).map((m) => m.id);
    expect(ids(await getJson(`${gateway.url}/v1/emails?from=NEWS@example.com`))).toEqual(news.reverse());
  });

  it('keeps to since and until (both inclusive)', async () => {
    const res = await getJson(`${gateway.url}/v1/emails?since=${at(5)}&until=${encodeURIComponent('2030-03-01T09:09:00+01:00')}`);
    expect(ids(res)).toEqual(
      sent
        .slice(5, 10)
        .map((m) => m.id)
        .reverse(),
    );
    expect(ids(await getJson(`${gateway.url}/v1/emails?since=2030-03-02`))).toEqual([]);
  });

  it('combines filters: one picks the index, the others are checked on each record', async () => {
    const wanted = sent.filter((m, i) => m.tag === 'spring' && i % 6 !== 5 && i % 4 === 1).map((m) => m.id);
    expect(wanted.length).toBeGreaterThan(0);
    const { items } = await allPages('/v1/emails?tag=campaign:spring&status=bounced', 1);
    expect(items.map((m) => m.id)).toEqual(wanted.reverse());
  });

  it('is what the typed client pages through', async () => {
    const client = new Posthaste({ baseUrl: gateway.url });
    const seen: string[] = [];
    for await (const email of client.emails.all({ tag: 'campaign:spring', status: 'delivered' }, 2)) seen.push(email.id);
    expect(seen).toEqual(ids(await getJson(`${gateway.url}/v1/emails?tag=campaign:spring&status=delivered&limit=100`)));
    expect(seen.length).toBeGreaterThan(2);
    const events: string[] = [];
    for await (const event of client.events.all({ type: 'email.delivered' }, 3)) events.push(event.id);
    expect(events).toHaveLength(published.filter((e) => e.type === 'email.delivered').length);
  });

  it.each([
    ['status=lost', 'status'],
    ['since=yesterday', 'since'],
    ['until=2030-03-01T10:00:00', 'until'],
    [`since=${at(10)}&until=${at(5)}`, 'until'],
    ['tag=campaign', 'tag'],
    ['tag=campaign:spring%20sale', 'tag'],
    ['recipient=not-an-address', 'recipient'],
    ['from=nobody', 'from'],
    ['limit=101', 'limit'],
    ['cursor=not-a-cursor', 'cursor'],
  ])('refuses ?%s with a 422 naming %s', async (query, field) => {
    const res = await getJson(`${gateway.url}/v1/emails?${query}`);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({ code: 'validation_failed', field });
  });

  it('keeps each message and its index items for the configured retention (TTL expiresAt)', async () => {
    const { id, createdAt } = sent[10]!;
    const out = await documentClient(dynamoClient(local.aws)).send(new ScanCommand({ TableName: LOCAL_TABLES.messages }));
    const items = (out.Items ?? []).filter((item) => item.id === id || item.messageId === id);
    // The message; five recipients, the sender and the tag; its two events (sent, delivered) in the feed.
    expect(items).toHaveLength(1 + 5 + 1 + 1 + 2);
    const expected = Date.parse(createdAt) / 1000 + 30 * 86_400;
    expect(items.map((item) => item.expiresAt)).toEqual(items.map(() => expected));
  });
});

describe('GET /v1/events', () => {
  const feedOf = (events: WebhookEvent[]) =>
    [...events].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1));

  it('is what the webhooks carry, oldest first, page by page', async () => {
    const { items } = await allPages('/v1/events', 7);
    expect(items.length).toBe(published.length);
    expect(items).toEqual(feedOf(published).map((e) => ({ id: e.id, ...JSON.parse(webhookBody(e)) })));
  });

  it('filters by type and by since', async () => {
    const { items } = await allPages('/v1/events?type=email.bounced', 2);
    expect(items.map((e) => e.id)).toEqual(feedOf(published.filter((e) => e.type === 'email.bounced')).map((e) => e.id));
    const later = await getJson(`${gateway.url}/v1/events?since=${at(200)}&limit=100`);
    expect(later.body.data.map((e: { id: string }) => e.id)).toEqual(feedOf(published.filter((e) => e.createdAt >= at(200))).map((e) => e.id));
  });

  it.each([
    ['type=email.lost', 'type'],
    ['since=now', 'since'],
    [`cursor=${Buffer.from(JSON.stringify({ before: 'x' })).toString('base64url')}`, 'cursor'],
  ])('refuses ?%s with a 422 naming %s', async (query, field) => {
    expect((await getJson(`${gateway.url}/v1/events?${query}`)).body).toMatchObject({ status: 422, field });
  });
});

describe('GET /v1/bounces without a recipient', () => {
  const records: FeedbackRecord[] = [];
  beforeAll(async () => {
    const feedback = new DynamoDbFeedbackStore(dynamoClient(local.aws), local.env.FEEDBACK_TABLE!);
    for (let i = 0; i < 9; i++) {
      const timestamp = at(300 + i);
      const type = i % 3 === 2 ? 'complaint' : 'bounce';
      // One report can name two recipients: two records with the same time and feedback id.
      for (const recipient of i === 4 ? ['r4a@example.org', 'r4b@example.org'] : [`r${i}@example.org`]) {
        const record: FeedbackRecord = {
          recipient,
          feedbackKey: feedbackKey(timestamp, type, `f${i}`),
          type,
          timestamp,
          feedbackId: `f${i}`,
          origin: 'ses',
          recordedAt: timestamp,
        };
        await feedback.record(record);
        records.push(record);
      }
    }
  });

  const newest = (list: FeedbackRecord[]) =>
    [...list].sort((a, b) => (`${a.feedbackKey}#${a.recipient}` < `${b.feedbackKey}#${b.recipient}` ? 1 : -1)).map((r) => `${r.recipient} ${r.feedbackId}`);
  const keys = (items: FeedbackRecord[]) => items.map((r) => `${r.recipient} ${r.feedbackId}`);

  it('lists every recipient’s records newest first, page by page', async () => {
    const { items } = await allPages('/v1/bounces', 3);
    expect(keys(items)).toEqual(newest(records));
    expect(items[0]).not.toHaveProperty('feedbackBucket');
  });

  it('filters by type and since', async () => {
    const complaints = await allPages('/v1/bounces?type=complaint', 100);
    expect(keys(complaints.items)).toEqual(newest(records.filter((r) => r.type === 'complaint')));
    const recent = await getJson(`${gateway.url}/v1/bounces?since=${at(306)}`);
    expect(keys(recent.body.data)).toEqual(newest(records.filter((r) => r.timestamp >= at(306))));
  });

  it('still lists one recipient’s records with recipient=', async () => {
    expect(keys((await getJson(`${gateway.url}/v1/bounces?recipient=r4b@example.org`)).body.data)).toEqual(['r4b@example.org f4']);
  });

  it.each([
    ['type=hard', 'type'],
    ['since=last-week', 'since'],
  ])('refuses ?%s with a 422 naming %s', async (query, field) => {
    expect((await getJson(`${gateway.url}/v1/bounces?${query}`)).body).toMatchObject({ status: 422, field });
  });
});
