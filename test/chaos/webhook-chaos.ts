import { dynamoClient } from '../../functions/compose/clients.js';
import { webhookStores } from '../../functions/compose/webhook-stores.js';
import type { MessageRecord } from '../../functions/core/records.js';
import { endpointWants, type WebhookEventType, webhookEventsSince } from '../../functions/core/webhook-events.js';
import { deliveryIdFor } from '../../functions/core/webhook-records.js';
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
  /** Of those: 2xx answers the dispatcher recorded as failed attempts (its timeout passed first, or the reply was cut), so it tried again. */
  answeredButFailed: number;
  /** Of those: successful attempts beyond the first the dispatcher recorded for one delivery (two queue messages for it both posted). */
  succeededTwice: number;
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

interface Expected {
  type: string;
  path: string;
  deliveryId: string;
}

/** `<endpoint path> <webhook-id>` → what must arrive there, for every event the final records hold. */
export function expectedDeliveries(records: MessageRecord[]): Map<string, Expected> {
  const expected = new Map<string, Expected>();
  for (const record of records)
    for (const event of webhookEventsSince(record, record.events))
      for (const { path, events } of ENDPOINTS)
        if (endpointWants(events, event.type))
          expected.set(`${path} ${event.id}`, { type: event.type, path, deliveryId: deliveryIdFor(event.id, event.createdAt) });
  return expected;
}

/** Starts the failing receiver and registers its endpoints through the API, as an app would. */
export async function startWebhookChaos(pipeline: Pipeline, random: () => number, shares: ReceiverFaultShares): Promise<WebhookChaos> {
  const receiver = await startWebhookReceiver(random, shares);
  const endpointIds = new Map<string, string>();
  const { deliveries } = webhookStores(dynamoClient(pipeline.aws), {
    WEBHOOKS_TABLE: pipeline.env.WEBHOOKS_TABLE!,
    WEBHOOK_DELIVERIES_TABLE: pipeline.env.WEBHOOK_DELIVERIES_TABLE!,
  });
  for (const { path, events } of ENDPOINTS) {
    const created = await postJson(`${pipeline.apiUrl}/v1/webhooks`, { url: `${receiver.url}${path}`, ...(events ? { events } : {}) });
    if (created.status !== 201) throw new Error(`creating the chaos endpoint ${path} answered ${created.status}: ${JSON.stringify(created.body)}`);
    receiver.addEndpoint(path, created.body.secret);
    endpointIds.set(path, created.body.id);
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
      let answeredButFailed = 0;
      let succeededTwice = 0;
      for (const [key, { answers, type }] of receiver.delivered) {
        const wanted = expected.get(key);
        if (wanted?.type !== type) unexpected++;
        if (answers < 2 || !wanted) continue;
        duplicated += answers - 1;
        // What the dispatcher recorded for this delivery tells why the receiver saw it again.
        const delivery = await deliveries.get({ endpointId: endpointIds.get(wanted.path)!, deliveryId: wanted.deliveryId });
        const succeeded = (delivery?.attempts ?? []).filter((a) => a.statusCode !== undefined && a.statusCode < 300).length;
        answeredButFailed += Math.max(0, answers - succeeded);
        succeededTwice += Math.max(0, succeeded - 1);
      }
      const delivered = [...expected.keys()].filter((key) => receiver.delivered.has(key)).length;
      return {
        ...receiver.counts,
        expected: expected.size,
        delivered,
        lost: expected.size - delivered,
        duplicated,
        answeredButFailed,
        succeededTwice,
        unexpected,
        seconds,
      };
    },
    stop: () => receiver.stop(),
  };
}
