/**
 * The webhook outbox every writer shares: the queue events are told to, and the decorator
 * that tells it after each state write. The endpoint side (tables, URL rules) is in
 * webhook-stores.ts, which only the API and the dispatcher load.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { SqsEmailQueue } from '../adapters/sqs-email-queue.js';
import { type EmitDeps, emittingStore } from '../core/emit-events.js';
import type { Log } from '../core/log.js';
import { type MessageStore, systemClock } from '../core/ports.js';
import type { WebhookQueue } from '../core/webhook-ports.js';
import { webhookQueue } from '../core/webhook-queue.js';

/** The webhook queue on the composition's own SQS client: one client per function, whatever it sends to. */
export function webhookQueueAt(sqs: SQSClient, url: string): { events: WebhookQueue; raw: SqsEmailQueue } {
  const raw = new SqsEmailQueue(sqs, url);
  return { events: webhookQueue(raw), raw };
}

/** What the outbox needs to tell `queue` about the writes to `store`, after each one and in the sweep. */
export function outboxDeps(store: MessageStore, queue: WebhookQueue, log: Log): EmitDeps {
  return { messages: store, queue, clock: systemClock, log };
}

/** The message store, telling the webhook queue after every write that appended an event. */
export function emittingMessages<S extends MessageStore>(store: S, queue: WebhookQueue, log: Log): S {
  return emittingStore(store, outboxDeps(store, queue, log));
}
