/**
 * What the webhook queue carries, both ways: events to fan out, and deliveries to attempt.
 * It is the same string queue port as the send queue's, and the bodies are queue-safe JSON,
 * so any text an event holds crosses SQS unchanged.
 */
import { queueSafeJson } from './claim-check.js';
import type { EmailQueue } from './ports.js';
import type { WebhookEvent } from './webhook-events.js';
import type { WebhookQueue } from './webhook-ports.js';
import type { DeliveryRef } from './webhook-records.js';

export type WebhookQueueBody = { v: 1; kind: 'events'; events: WebhookEvent[] } | ({ v: 1; kind: 'delivery' } & DeliveryRef);

/** Events per queue message: a message's fan-out stays small enough to finish well within one invocation. */
const EVENTS_PER_MESSAGE = 25;

export function webhookQueue(queue: Pick<EmailQueue, 'enqueueBatch'>): WebhookQueue {
  const send = async (bodies: { id: string; body: WebhookQueueBody }[]) => {
    const { failed } = await queue.enqueueBatch(bodies.map(({ id, body }) => ({ id, body: queueSafeJson(body) })));
    // Thrown, not dropped: an event the queue refused stays marked in the outbox for the sweep,
    // and a fan-out that could not queue its deliveries is received again.
    if (failed.length > 0) throw new Error(`the webhook queue refused ${failed.length} message(s): ${failed[0]!.reason}`, { cause: failed[0]!.error });
  };
  return {
    async publishEvents(events) {
      const bodies: { id: string; body: WebhookQueueBody }[] = [];
      for (let i = 0; i < events.length; i += EVENTS_PER_MESSAGE) {
        const chunk = events.slice(i, i + EVENTS_PER_MESSAGE);
        bodies.push({ id: chunk[0]!.id, body: { v: 1, kind: 'events', events: chunk } });
      }
      if (bodies.length > 0) await send(bodies);
    },
    async enqueueDeliveries(refs) {
      if (refs.length > 0) await send(refs.map((ref) => ({ id: `${ref.endpointId}/${ref.deliveryId}`, body: { v: 1, kind: 'delivery', ...ref } })));
    },
  };
}

/** A webhook queue body, or undefined when it is not one. */
export function readWebhookQueueBody(body: string): WebhookQueueBody | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  const v = value as Partial<{ v: number; kind: string; events: unknown; endpointId: unknown; deliveryId: unknown }> | null;
  if (v?.v !== 1) return undefined;
  if (v.kind === 'events' && Array.isArray(v.events)) return value as WebhookQueueBody;
  if (v.kind === 'delivery' && typeof v.endpointId === 'string' && typeof v.deliveryId === 'string') {
    return { v: 1, kind: 'delivery', endpointId: v.endpointId, deliveryId: v.deliveryId };
  }
  return undefined;
}
