/**
 * The webhook outbox every writer shares: the queue events are told to, and the decorator
 * that tells it after each state write. The endpoint side (tables, URL rules) is in
 * webhook-stores.ts, which only the API and the dispatcher load.
 */
import { SqsEmailQueue } from '../adapters/sqs-email-queue.js';
import { emittingStore } from '../core/emit-events.js';
import type { Log } from '../core/log.js';
import { type MessageStore, systemClock } from '../core/ports.js';
import type { WebhookQueue } from '../core/webhook-ports.js';
import { webhookQueue } from '../core/webhook-queue.js';
import { type AwsSettings, sqsClient } from './clients.js';

export function webhookQueueAt(aws: AwsSettings, url: string): { events: WebhookQueue; raw: SqsEmailQueue } {
  const raw = new SqsEmailQueue(sqsClient(aws), url);
  return { events: webhookQueue(raw), raw };
}

/** The message store, telling the webhook queue after every write that appended an event. */
export function emittingMessages<S extends MessageStore>(store: S, aws: AwsSettings, queueUrl: string, log: Log): S {
  return emittingStore(store, { messages: store, queue: webhookQueueAt(aws, queueUrl).events, clock: systemClock, log });
}
