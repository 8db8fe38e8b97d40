/**
 * Webhooks from the whole local pipeline, as a developer sees them with `npm start`: an
 * endpoint created through the API on a plain-http receiver on loopback, real sends to the
 * mailbox simulator, and every event type arriving signed (checked with the standardwebhooks
 * library, as a receiver would), joinable to the send by our id and tags. The dispatcher
 * retries on the local schedule of seconds, so a failing receiver is watched getting the
 * same `webhook-id` again until it answers 2xx.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLog } from '../../functions/core/log.js';
import { type Pipeline, startPipeline } from '../../local/pipeline.js';
import { getJson, postJson, waitFor, waitForStatus } from '../helpers/http.js';

interface Received {
  headers: Record<string, string>;
  body: string;
  event: { type: string; createdAt: string; data: Record<string, any> };
}

let pipeline: Pipeline;
let receiver: Server;
let receiverUrl: string;
let received: Received[];
/** What the receiver answers next, per path; the default is 204. */
const answers = new Map<string, number[]>();
let endpointId: string;
let secret: string;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const status = answers.get(req.url ?? '')?.shift() ?? 204;
      if (status === 302) return void res.writeHead(302, { location: 'http://127.0.0.1:9/elsewhere' }).end();
      if (status < 300) received.push({ headers: req.headers as Record<string, string>, body, event: JSON.parse(body) });
      res.writeHead(status).end(status < 300 ? '' : 'not now');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  pipeline = await startPipeline({
    sink: {
      faults: { onRcpt: (address) => (address === 'nobody@example.org' ? { responseCode: 550, message: 'No such user here' } : undefined) },
    },
    simulatorDelayMs: 0,
    scheduleSweepMs: 200,
    log: () => silentLog,
  });
  const created = await postJson(`${pipeline.apiUrl}/v1/webhooks`, { url: `${receiverUrl}/hooks`, description: 'the test receiver' });
  expect(created.status).toBe(201);
  endpointId = created.body.id;
  secret = created.body.secret;
});

afterAll(async () => {
  await pipeline?.stop();
  receiver?.closeAllConnections();
  await new Promise((r) => receiver?.close(r));
});

beforeEach(() => {
  received = [];
});

const send = async (to: string, extra: Record<string, unknown> = {}) => {
  const res = await postJson(`${pipeline.apiUrl}/v1/emails`, {
    from: 'Shop <shop@example.com>',
    to,
    subject: 'Your receipt',
    text: 'Thanks. https://example.com/orders/42',
    html: '<p>Thanks. <a href="https://example.com/orders/42">Your order</a></p>',
    tags: [{ name: 'order', value: '42' }],
    ...extra,
  });
  expect(res.status).toBe(202);
  return res.body.id as string;
};

const eventsFor = (id: string) => received.filter((r) => r.event.data.id === id);
const typesFor = (id: string) => eventsFor(id).map((r) => r.event.type);
const waitForTypes = (id: string, types: string[]) =>
  waitFor(() => (types.every((t) => typesFor(id).includes(t)) ? eventsFor(id) : undefined), 20_000, `${types.join(', ')} for ${id}`);

describe('webhooks from the local pipeline', () => {
  it('tells a receiver sent, delivered, bounced and complained, signed, with our id and tags', async () => {
    const success = await send('success@simulator.amazonses.com');
    const bounce = await send('bounce@simulator.amazonses.com');
    const complaint = await send('complaint@simulator.amazonses.com');
    await waitForTypes(success, ['email.sent', 'email.delivered']);
    await waitForTypes(bounce, ['email.sent', 'email.bounced']);
    await waitForTypes(complaint, ['email.sent', 'email.delivered', 'email.complained']);
    for (const r of received) {
      const verified = new Webhook(secret).verify(r.body, r.headers) as Received['event'];
      expect(verified.data).toMatchObject({ from: 'shop@example.com', subject: 'Your receipt', tags: [{ name: 'order', value: '42' }] });
      expect(r.headers['webhook-id']).toMatch(/^evt_[0-9a-f]{32}$/);
    }
    const [bounced] = eventsFor(bounce).filter((r) => r.event.type === 'email.bounced');
    expect(bounced!.event.data).toMatchObject({ recipients: ['bounce@simulator.amazonses.com'], detail: expect.stringContaining('Permanent') });
    const [complained] = eventsFor(complaint).filter((r) => r.event.type === 'email.complained');
    expect(complained!.event.data.recipients).toEqual(['complaint@simulator.amazonses.com']);
  });

  it('produces every other event type from the pipeline too: delayed, opened, clicked, failed, suppressed, canceled', async () => {
    const delayed = await send('success+delay@simulator.amazonses.com');
    const clicked = await send('success+click@simulator.amazonses.com');
    const failed = await send('nobody@example.org');
    await waitForStatus(pipeline.apiUrl, await send('bounce+again@simulator.amazonses.com'), ['bounced']);
    const suppressed = await send('bounce+again@simulator.amazonses.com');
    const later = await postJson(`${pipeline.apiUrl}/v1/emails`, {
      from: 'shop@example.com',
      to: 'later@example.org',
      subject: 'Tomorrow',
      text: 'Soon.',
      scheduledAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const cancel = await fetch(`${pipeline.apiUrl}/v1/emails/${later.body.id}`, { method: 'DELETE' });
    expect(cancel.status).toBe(200);

    await waitForTypes(delayed, ['email.delivery_delayed', 'email.delivered']);
    const engagement = await waitForTypes(clicked, ['email.opened', 'email.clicked']);
    expect(engagement.find((r) => r.event.type === 'email.clicked')!.event.data).toMatchObject({
      link: 'https://example.com/orders/42',
      userAgent: expect.stringContaining('Mozilla'),
    });
    await waitForTypes(failed, ['email.bounced', 'email.failed']);
    await waitForTypes(suppressed, ['email.suppressed']);
    await waitForTypes(later.body.id, ['email.canceled']);
  });

  it('retries a failing receiver with the same webhook-id until it answers 2xx, and lists every attempt', async () => {
    const created = await postJson(`${pipeline.apiUrl}/v1/webhooks`, { url: `${receiverUrl}/flaky`, events: ['email.sent'] });
    answers.set('/flaky', [500, 503]);
    const id = await send('someone@example.org');
    const [delivered] = await waitFor(
      () => {
        const hits = received.filter((r) => r.event.data.id === id && r.event.type === 'email.sent');
        return hits.length === 2 ? hits : undefined; // one to /hooks, one to /flaky after two failures
      },
      20_000,
      'the flaky endpoint to get its event',
    );
    const deliveries = await waitFor(async () => {
      const page = await getJson(`${pipeline.apiUrl}/v1/webhooks/${created.body.id}/deliveries`);
      const delivery = page.body.data.find((d: { messageId: string }) => d.messageId === id);
      return delivery?.status === 'succeeded' ? delivery : undefined;
    });
    expect(deliveries.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 503, 204]);
    expect(deliveries.attempts[0]).toMatchObject({ reply: 'not now', durationMs: expect.any(Number) });
    expect(new Set(received.filter((r) => r.event.data.id === id).map((r) => r.headers['webhook-id']))).toEqual(new Set([delivered!.headers['webhook-id']]));
    await fetch(`${pipeline.apiUrl}/v1/webhooks/${created.body.id}`, { method: 'DELETE' });
  });

  it('resends one delivery by hand with the same webhook-id', async () => {
    const id = await send('replay@example.org');
    const [first] = await waitForTypes(id, ['email.sent']);
    const page = await getJson(`${pipeline.apiUrl}/v1/webhooks/${endpointId}/deliveries`);
    const delivery = page.body.data.find((d: { messageId: string; eventType: string }) => d.messageId === id && d.eventType === 'email.sent');
    const retry = await postJson(`${pipeline.apiUrl}/v1/webhooks/${endpointId}/deliveries/${delivery.deliveryId}/retry`, {});
    expect(retry.status).toBe(202);
    await waitFor(() => (received.filter((r) => r.headers['webhook-id'] === first!.headers['webhook-id']).length === 2 ? true : undefined));
  });

  it('does not follow a redirect: the attempt records it as a failure', async () => {
    const created = await postJson(`${pipeline.apiUrl}/v1/webhooks`, { url: `${receiverUrl}/moved`, events: ['email.sent'] });
    answers.set('/moved', [302]);
    const id = await send('moved@example.org');
    const delivery = await waitFor(async () => {
      const page = await getJson(`${pipeline.apiUrl}/v1/webhooks/${created.body.id}/deliveries`);
      const found = page.body.data.find((d: { messageId: string }) => d.messageId === id);
      return found?.attempts.length ? found : undefined;
    });
    expect(delivery.attempts[0]).toMatchObject({ statusCode: 302, error: expect.stringContaining('not followed') });
    await fetch(`${pipeline.apiUrl}/v1/webhooks/${created.body.id}`, { method: 'DELETE' });
  });

  it.each([
    ['http://10.0.0.7/hooks', 'a private address'],
    ['https://169.254.169.254/latest/meta-data', 'the metadata address'],
    ['http://example.com/hooks', 'plain http off loopback'],
  ])('refuses an endpoint at %s (%s) with a 422 naming the url', async (url) => {
    const res = await postJson(`${pipeline.apiUrl}/v1/webhooks`, { url });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].field).toBe('url');
  });
});
