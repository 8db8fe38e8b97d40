import type { MessageRecord } from '../../functions/core/records.js';
import { endpointWants, type WebhookEventType, webhookEventsSince } from '../../functions/core/webhook-events.js';
import type { Pipeline } from '../../local/pipeline.js';
import { postJson } from '../helpers/http.js';
import { type ReceiverCounts, type ReceiverFaultShares, startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

/** Two endpoints on one receiver: one takes every event, one filters, so the fan-out's filter is counted too. */
const ENDPOINTS: { path: string; events?: WebhookEventType[] }[] = [
  { path: '/all' },
  { path: '/outcomes', events: ['email.sent', 'email.failed', 'email.bounced'] },
];

export interface WebhookCounts extends ReceiverCounts {
  /** Every webhook-worthy line of the final message records × the endpoints that want its type. */
  expected: number;
  /** Distinct (endpoint, webhook-id) pairs the receiver answered 2xx. */
  delivered: number;
  /** Expected and never answered 2xx: must be 0. */
  lost: number;
  /** 2xx answers beyond the first for one (endpoint, webhook-id): at-least-once, counted, not hidden. */
  duplicated: number;
  /** Answered 2xx but not expected, or with another type than the history says: must be 0. */
  unexpected: number;
  /** Times the deliver worker killed itself after a state write, before telling the webhook queue. */
  killsAfterWrite: number;
  /** Events the scheduler's outbox sweep emitted (what those kills, and the harness's, left behind). */
  sweptEvents: number;
  /** From the last message settled to the last expected event answered 2xx. */
  seconds: number;
}

export interface WebhookChaos {
  receiver: WebhookReceiver;
  /** Waits for every expected event (or the deadline), then for the webhook queue to drain, and counts. */
  settle(records: MessageRecord[], deadline: number): Promise<Omit<WebhookCounts, 'killsAfterWrite' | 'sweptEvents'>>;
  stop(): Promise<void>;
}

/** `<endpoint path> <webhook-id>` → event type, for every event the final records say must reach an endpoint. */
export function expectedDeliveries(records: MessageRecord[]): Map<string, string> {
  const expected = new Map<string, string>();
  for (const record of records)
    for (const event of webhookEventsSince(record, record.events))
      for (const endpoint of ENDPOINTS) if (endpointWants(endpoint.events, event.type)) expected.set(`${endpoint.path} ${event.id}`, event.type);
  return expected;
}

/** Starts the failing receiver and registers its endpoints through the API, as an app would. */
export async function startWebhookChaos(pipeline: Pipeline, random: () => number, shares: ReceiverFaultShares): Promise<WebhookChaos> {
  const receiver = await startWebhookReceiver(random, shares);
  for (const { path, events } of ENDPOINTS) {
    const created = await postJson(`${pipeline.apiUrl}/v1/webhooks`, { url: `${receiver.url}${path}`, ...(events ? { events } : {}) });
    if (created.status !== 201) throw new Error(`creating the chaos endpoint ${path} answered ${created.status}: ${JSON.stringify(created.body)}`);
    receiver.addEndpoint(path, created.body.secret);
  }
  return {
    receiver,
    async settle(records, deadline) {
      const started = Date.now();
      const expected = expectedDeliveries(records);
      const allDelivered = () => [...expected.keys()].every((key) => receiver.delivered.has(key));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([receiver.until(allDelivered), new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))))]);
      clearTimeout(timer);
      const seconds = Math.round((Date.now() - started) / 100) / 10;
      // Deliveries still queued may answer a webhook-id again: let them finish before counting duplicates.
      while (pipeline.queueBodies('webhooks').length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      let duplicated = 0;
      let unexpected = 0;
      for (const [key, { answers, type }] of receiver.delivered) {
        duplicated += answers - 1;
        if (expected.get(key) !== type) unexpected++;
      }
      const delivered = [...expected.keys()].filter((key) => receiver.delivered.has(key)).length;
      return { ...receiver.counts, expected: expected.size, delivered, lost: expected.size - delivered, duplicated, unexpected, seconds };
    },
    stop: () => receiver.stop(),
  };
}
