/**
 * The webhook parts every function shares: the queue events are told to, the outbox
 * decorator that tells it after each state write, the endpoint rules of this deployment,
 * and the dispatcher's own stores.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { v7 as uuidv7 } from 'uuid';
import { DynamoDbWebhookDeliveryStore, DynamoDbWebhookEndpointStore } from '../adapters/dynamodb-webhook-store.js';
import { checkOutboundUrl, type OutboundPolicy, PUBLIC_ONLY } from '../adapters/outbound-http.js';
import { SqsEmailQueue } from '../adapters/sqs-email-queue.js';
import { newWebhookSecret } from '../adapters/webhook-signature.js';
import { emittingStore } from '../core/emit-events.js';
import type { Log } from '../core/log.js';
import { type MessageStore, systemClock } from '../core/ports.js';
import type { EndpointDeps } from '../core/webhook-endpoints.js';
import type { WebhookQueue } from '../core/webhook-ports.js';
import { webhookQueue } from '../core/webhook-queue.js';
import { type AwsSettings, sqsClient } from './clients.js';

/** Public https endpoints only; npm start also lets a developer's own receiver on loopback take plain http. */
export const webhookPolicy = (allowLoopback: boolean): OutboundPolicy => (allowLoopback ? { ...PUBLIC_ONLY, allowLoopbackHttp: true } : PUBLIC_ONLY);

export function webhookQueueAt(aws: AwsSettings, url: string): { events: WebhookQueue; raw: SqsEmailQueue } {
  const raw = new SqsEmailQueue(sqsClient(aws), url);
  return { events: webhookQueue(raw), raw };
}

/** The message store, telling the webhook queue after every write that appended an event. */
export function emittingMessages<S extends MessageStore>(store: S, aws: AwsSettings, queueUrl: string, log: Log): S {
  return emittingStore(store, { messages: store, queue: webhookQueueAt(aws, queueUrl).events, clock: systemClock, log });
}

export function webhookStores(dynamo: DynamoDBClient, tables: { WEBHOOKS_TABLE: string; WEBHOOK_DELIVERIES_TABLE: string }) {
  return {
    endpoints: new DynamoDbWebhookEndpointStore(dynamo, tables.WEBHOOKS_TABLE),
    deliveries: new DynamoDbWebhookDeliveryStore(dynamo, tables.WEBHOOK_DELIVERIES_TABLE),
  };
}

/** What the API's endpoint routes need: the store, ids, secrets and the URL rules. */
export function endpointAdmin(endpoints: DynamoDbWebhookEndpointStore, policy: OutboundPolicy): EndpointDeps {
  return {
    endpoints,
    clock: systemClock,
    newId: () => `wh_${uuidv7().replaceAll('-', '')}`,
    newSecret: newWebhookSecret,
    checkUrl: (url) => void checkOutboundUrl(url, policy),
  };
}
