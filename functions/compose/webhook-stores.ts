/**
 * The webhook tables and the rules for endpoint URLs: what the API's endpoint routes and
 * the dispatcher use. Apart from compose/webhooks.ts (the outbox every writer has), so a
 * function that only tells the webhook queue loads none of it (the address checks, the
 * signing library).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { v7 as uuidv7 } from 'uuid';
import { DynamoDbWebhookDeliveryStore, DynamoDbWebhookEndpointStore } from '../adapters/dynamodb-webhook-store.js';
import { checkOutboundUrl, type OutboundPolicy, PUBLIC_ONLY } from '../adapters/outbound-http.js';
import { newWebhookSecret } from '../adapters/webhook-secret.js';
import { systemClock } from '../core/ports.js';
import type { EndpointDeps } from '../core/webhook-endpoints.js';

/** Public https endpoints only; npm start also lets a developer's own receiver on loopback take plain http. */
export const webhookPolicy = (allowLoopback: boolean): OutboundPolicy => (allowLoopback ? { ...PUBLIC_ONLY, allowLoopbackHttp: true } : PUBLIC_ONLY);

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
