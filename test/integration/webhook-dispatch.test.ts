/**
 * Fan-out and delivery attempts against real HTTPS receivers on loopback, with the
 * endpoints and deliveries tables on dynalite and a clock the test moves. Signatures are
 * checked by the standardwebhooks library, as a receiver would; those of endpoints in
 * Resend's format by the `svix` package, as a receiver written for Resend does.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbWebhookDeliveryStore, DynamoDbWebhookEndpointStore } from '../../functions/adapters/dynamodb-webhook-store.js';
import { HttpWebhookSender } from '../../functions/adapters/http-webhook-sender.js';
import { LOCAL_TABLES } from '../../functions/adapters/tables.js';
import { newWebhookSecret } from '../../functions/adapters/webhook-secret.js';
import { dynamoClient } from '../../functions/compose/clients.js';
import { attemptDelivery, type DispatchDeps, fanOut, resendDelivery } from '../../functions/core/dispatch-webhooks.js';
import { silentLog } from '../../functions/core/log.js';
import { createEndpoint, type EndpointDeps, rotateSecret, updateEndpoint } from '../../functions/core/webhook-endpoints.js';
import { webhookEventsSince } from '../../functions/core/webhook-events.js';
import type { DeliveryRef } from '../../functions/core/webhook-records.js';
import { selfSignedCertificate } from '../helpers/certificate.js';
import { type LocalDynamo, startLocalDynamo } from '../helpers/local-dynamodb.js';

interface Received {
  headers: Record<string, string>;
  body: string;
}

let local: LocalDynamo;
let cert: { key: string; cert: string };
let receiver: Server;
let receiverUrl: string;
let received: Received[];
/** What the receiver answers next; the default is 200. */
let answers: number[];
let now: Date;
let queued: DeliveryRef[];
let deps: DispatchDeps;
let admin: EndpointDeps;
let ids = 0;

const message = { id: 'msg-1', from: 'app@example.com', to: ['ann@example.org'], cc: [], bcc: [], subject: 'Receipt', tags: [{ name: 'order', value: '42' }] };
/** Near the real time: receivers (and standardwebhooks) refuse timestamps more than 5 minutes off. */
const started = new Date();
const events = () =>
  webhookEventsSince(message, [
    { type: 'queued', at: started.toISOString() },
    { type: 'sent', at: started.toISOString(), response: '250 ok' },
  ]);

beforeAll(async () => {
  local = await startLocalDynamo();
  cert = selfSignedCertificate();
  receiver = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body });
      res.writeHead(answers.shift() ?? 200).end('thanks');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `https://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
});

afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
  await local.stop();
});

beforeEach(() => {
  received = [];
  answers = [];
  queued = [];
  now = new Date();
  const client = dynamoClient(local.aws);
  const clock = { now: () => now };
  const endpoints = new DynamoDbWebhookEndpointStore(client, LOCAL_TABLES.webhooks);
  deps = {
    endpoints,
    deliveries: new DynamoDbWebhookDeliveryStore(client, LOCAL_TABLES.webhookDeliveries),
    queue: { publishEvents: async () => undefined, enqueueDeliveries: async (refs) => void queued.push(...refs) },
    sender: new HttpWebhookSender({ policy: { allowLoopbackHttp: false, allowPrivateAddresses: true }, ca: cert.cert }),
    clock,
    log: silentLog,
  };
  admin = { endpoints, clock, newId: () => `wh_test${ids++}`, newSecret: newWebhookSecret, checkUrl: () => undefined };
});

/** The queue's part: the next attempt comes when the previous one's retry is due. */
async function attemptWhenDue(ref: DeliveryRef) {
  const outcome = await attemptDelivery(deps, ref);
  if (outcome.result === 'retry') now = new Date(now.getTime() + outcome.afterSeconds * 1000);
  return outcome;
}

describe('webhook dispatch', () => {
  it('fans an event out once per endpoint, and delivers it signed, with our id and tags', async () => {
    const { endpoint, secret } = await createEndpoint(admin, { url: receiverUrl, events: ['email.sent'] });
    expect(await fanOut(deps, events())).toBe(1);
    expect(await attemptDelivery(deps, queued[0]!)).toEqual({ result: 'done', status: 'succeeded' });
    expect(await fanOut(deps, events())).toBe(0); // the same event again is the same delivery, already delivered
    expect(received).toHaveLength(1);
    const body = new Webhook(secret).verify(received[0]!.body, received[0]!.headers) as { type: string; data: Record<string, unknown> };
    expect(body).toMatchObject({ type: 'email.sent', data: { id: 'msg-1', tags: [{ name: 'order', value: '42' }], response: '250 ok' } });
    expect(received[0]!.headers['webhook-id']).toBe(events()[0]!.id);
    const [delivery] = (await deps.deliveries.list(endpoint.id, { limit: 10 })).items;
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: [{ statusCode: 200, reply: 'thanks' }] });
    await updateEndpoint(admin, endpoint.id, { enabled: false });
  });

  it('retries a failing endpoint on the schedule with the same webhook-id, then records success', async () => {
    const { endpoint } = await createEndpoint(admin, { url: receiverUrl });
    answers = [500, 503];
    await fanOut(deps, events());
    const ref = queued[0]!;
    expect(await attemptWhenDue(ref)).toEqual({ result: 'retry', afterSeconds: 5 });
    expect(await attemptWhenDue(ref)).toEqual({ result: 'retry', afterSeconds: 300 });
    expect(await attemptWhenDue(ref)).toEqual({ result: 'done', status: 'succeeded' });
    expect(new Set(received.map((r) => r.headers['webhook-id']))).toEqual(new Set([events()[0]!.id]));
    const delivery = await deps.deliveries.get(ref);
    expect(delivery!.attempts.map((a) => a.statusCode)).toEqual([500, 503, 200]);
    expect((await deps.endpoints.get(endpoint.id))!.consecutiveFailures).toBe(0);
    await updateEndpoint(admin, endpoint.id, { enabled: false });
  });

  it('marks a delivery failed after the last attempt, and a resend by hand goes out again', async () => {
    const { endpoint } = await createEndpoint(admin, { url: receiverUrl });
    answers = Array(8).fill(500);
    await fanOut(deps, events());
    const ref = queued[0]!;
    const outcomes = [];
    for (let i = 0; i < 8; i++) outcomes.push(await attemptWhenDue(ref));
    expect(outcomes.at(-1)).toEqual({ result: 'done', status: 'failed', reason: 'retries exhausted' });
    expect(await attemptDelivery(deps, ref)).toMatchObject({ result: 'done', status: 'skipped' });
    expect(await resendDelivery(deps, ref)).toBe('queued');
    expect(await attemptDelivery(deps, ref)).toEqual({ result: 'done', status: 'succeeded' });
    expect((await deps.deliveries.get(ref))!.attempts).toHaveLength(9);
    await updateEndpoint(admin, endpoint.id, { enabled: false });
  });

  it('disables an endpoint that has failed 30 times over a day, and says why', async () => {
    const { endpoint } = await createEndpoint(admin, { url: receiverUrl });
    answers = Array(40).fill(500);
    for (let i = 0; i < 30; i++) {
      await fanOut(deps, webhookEventsSince({ ...message, id: `msg-d${i}` }, [{ type: 'sent', at: now.toISOString() }]));
      await attemptDelivery(deps, queued.at(-1)!);
      now = new Date(now.getTime() + 3600_000);
    }
    const stored = await deps.endpoints.get(endpoint.id);
    expect(stored).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('30 attempts in a row') });
    expect(await fanOut(deps, webhookEventsSince({ ...message, id: 'msg-after' }, [{ type: 'sent', at: now.toISOString() }]))).toBe(0);
  });

  it('posts a delivery queued twice once at a time, and never ahead of its retry schedule', async () => {
    const { endpoint } = await createEndpoint(admin, { url: receiverUrl });
    answers = [500];
    // The same event fanned out twice before its first attempt: two queue messages for one delivery.
    await fanOut(deps, events());
    await fanOut(deps, events());
    const [first, copy] = queued;
    expect(copy).toEqual(first);
    const [a, b] = await Promise.all([attemptDelivery(deps, first!), attemptDelivery(deps, copy!)]);
    expect([a, b]).toContainEqual({ result: 'done', status: 'skipped', reason: 'another attempt of this delivery is in flight' });
    expect(received).toHaveLength(1);
    // The failed attempt set the next one 5 s ahead: a copy arriving a second later waits for it instead of posting.
    now = new Date(now.getTime() + 1000);
    expect(await attemptDelivery(deps, copy!)).toEqual({ result: 'retry', afterSeconds: 4 });
    expect(received).toHaveLength(1);
    now = new Date(now.getTime() + 4000);
    expect(await attemptDelivery(deps, first!)).toEqual({ result: 'done', status: 'succeeded' });
    expect(await attemptDelivery(deps, copy!)).toMatchObject({ result: 'done', status: 'skipped', reason: 'already succeeded' });
    expect(received).toHaveLength(2);
    expect((await deps.deliveries.get(first!))!.attempts.map((x) => x.statusCode)).toEqual([500, 200]);
    await updateEndpoint(admin, endpoint.id, { enabled: false });
  });

  it('signs with both secrets during a rotation', async () => {
    const { endpoint, secret: first } = await createEndpoint(admin, { url: receiverUrl });
    const { secret: second } = await rotateSecret(admin, endpoint.id);
    await fanOut(deps, events());
    await attemptDelivery(deps, queued[0]!);
    const last = received.at(-1)!;
    expect(last.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(() => new Webhook(first).verify(last.body, last.headers)).not.toThrow();
    expect(() => new Webhook(second).verify(last.body, last.headers)).not.toThrow();
    // A day later the previous secret no longer signs (checked on the headers: the timestamp is then a day ahead).
    now = new Date(now.getTime() + 25 * 3600_000);
    await fanOut(deps, webhookEventsSince({ ...message, id: 'msg-later' }, [{ type: 'sent', at: now.toISOString() }]));
    await attemptDelivery(deps, queued.at(-1)!);
    const later = received.at(-1)!;
    expect(later.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    const timestamp = new Date(Number(later.headers['webhook-timestamp']) * 1000);
    expect(later.headers['webhook-signature']).toBe(new Webhook(second).sign(later.headers['webhook-id']!, timestamp, later.body));
    await updateEndpoint(admin, endpoint.id, { enabled: false });
  });

  it('records a refused address as a failed attempt without reaching it', async () => {
    const strict = { ...deps, sender: new HttpWebhookSender({ policy: { allowLoopbackHttp: false, allowPrivateAddresses: false } }) };
    const { endpoint } = await createEndpoint(admin, { url: receiverUrl });
    await fanOut(strict, events());
    expect(await attemptDelivery(strict, queued[0]!)).toEqual({ result: 'retry', afterSeconds: 5 });
    expect(received).toHaveLength(0);
    expect((await deps.deliveries.get(queued[0]!))!.attempts[0]!.error).toMatch(/not a public address/);
    await updateEndpoint(admin, endpoint.id, { enabled: false });
  });
});

// ─── Resend format: Resend's payloads under svix-* headers, verified as a Resend receiver does ───

const resendMessage = {
  id: '0190aaaa-0000-7000-8000-000000000042',
  from: 'app@acme.test',
  to: ['ann@example.org'],
  cc: [],
  bcc: [],
  subject: 'Receipt',
  tags: [{ name: 'category', value: 'receipts' }],
};
/** Near the real time: svix refuses timestamps more than 5 minutes off. */
const at = started.toISOString();
const history = webhookEventsSince(resendMessage, [
  { type: 'queued', at },
  { type: 'sent', at, response: '250 ok' },
  { type: 'bounced', at, recipients: ['ann@example.org'], response: 'smtp; 550 5.1.1 user unknown', detail: 'Permanent/General' },
  { type: 'clicked', at, link: 'https://acme.test/receipt', userAgent: 'Mozilla/5.0' },
  { type: 'canceled', at },
]);

const svixHeaders = (r: { headers: Record<string, string> }) => ({
  'svix-id': r.headers['svix-id']!,
  'svix-timestamp': r.headers['svix-timestamp']!,
  'svix-signature': r.headers['svix-signature']!,
});

describe('a webhook endpoint in Resend format', () => {
  it("receives Resend's payloads under svix-* headers, and svix's Webhook.verify accepts them", async () => {
    const { endpoint, secret } = await createEndpoint(admin, { url: receiverUrl, format: 'resend' });
    expect(endpoint.format).toBe('resend');
    // email.canceled has no counterpart in Resend's webhooks: sent, bounced and clicked go out.
    expect(await fanOut(deps, history)).toBe(3);
    for (const ref of queued) expect(await attemptDelivery(deps, ref)).toEqual({ result: 'done', status: 'succeeded' });

    const verifier = new SvixWebhook(secret);
    const payloads = received.map((r) => {
      expect(Object.keys(r.headers).filter((h) => h.startsWith('webhook-'))).toEqual([]);
      // svix's verify throws unless the signature holds; the handler then parses the body itself.
      verifier.verify(r.body, svixHeaders(r));
      return JSON.parse(r.body);
    });
    const base = {
      created_at: at,
      email_id: resendMessage.id,
      from: 'app@acme.test',
      to: ['ann@example.org'],
      subject: 'Receipt',
      tags: { category: 'receipts' },
    };
    expect(payloads).toEqual(
      expect.arrayContaining([
        { type: 'email.sent', created_at: at, data: base },
        {
          type: 'email.bounced',
          created_at: at,
          data: { ...base, bounce: { message: 'smtp; 550 5.1.1 user unknown', type: 'Permanent', subType: 'General' } },
        },
        {
          type: 'email.clicked',
          created_at: at,
          data: { ...base, click: { ipAddress: '', link: 'https://acme.test/receipt', timestamp: at, userAgent: 'Mozilla/5.0' } },
        },
      ]),
    );
    expect(payloads).toHaveLength(3);
    // The same id on every attempt, as svix-id: receivers deduplicate on it.
    expect(received.map((r) => r.headers['svix-id']).sort()).toEqual(
      history
        .filter((e) => e.type !== 'email.canceled')
        .map((e) => e.id)
        .sort(),
    );

    // A tampered body does not verify.
    const tampered = received[0]!.body.replace('Receipt', 'Invoice');
    expect(() => verifier.verify(tampered, svixHeaders(received[0]!))).toThrow();
    await updateEndpoint(admin, endpoint.id, { enabled: false });
  });

  it('keeps our own format (webhook-* headers) for endpoints created without one, and refuses an unknown format', async () => {
    const { endpoint } = await createEndpoint(admin, { url: receiverUrl });
    expect(endpoint.format).toBe('posthaste');
    await fanOut(deps, history.slice(0, 1));
    await attemptDelivery(deps, queued[0]!);
    expect(received[0]!.headers['webhook-signature']).toMatch(/^v1,/);
    expect(received[0]!.headers['svix-signature']).toBeUndefined();
    expect(JSON.parse(received[0]!.body)).toMatchObject({ type: 'email.sent', createdAt: at, data: { id: resendMessage.id } });
    await updateEndpoint(admin, endpoint.id, { enabled: false });

    await expect(createEndpoint(admin, { url: receiverUrl, format: 'svix' })).rejects.toMatchObject({
      code: 'validation_failed',
      issues: [{ field: 'format' }],
    });
  });
});
