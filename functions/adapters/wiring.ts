/**
 * The deliver function's dependencies from settings. Each function has its own wiring file
 * (api-wiring.ts, events-wiring.ts) so its bundle carries only what it uses: the API alone
 * needs Powertools idempotency, and events needs neither the queue nor the request schema.
 */

import type { Log } from '../core/log.js';
import { type Metrics, noMetrics } from '../core/metrics.js';
import { systemClock, type Transport } from '../core/ports.js';
import type { DeliverHandlerDeps } from '../deliver/app.js';
import { type AwsSettings, dynamoClient, sqsClient } from './aws-clients.js';
import { DynamoDbMessageStore } from './dynamodb-message-store.js';
import { type Env, integer, required } from './env.js';
import { SqsEmailQueue } from './sqs-email-queue.js';
import { feedbackStores, payloadStore } from './stores-from-env.js';

export function deliverDeps(env: Env, aws: AwsSettings, transport: Transport, log: Log, metrics: Metrics = noMetrics): DeliverHandlerDeps {
  const dynamo = dynamoClient(aws);
  const payloads = payloadStore(env, aws);
  return {
    messages: new DynamoDbMessageStore(dynamo, required(env, 'MESSAGES_TABLE')),
    queue: new SqsEmailQueue(sqsClient(aws), required(env, 'QUEUE_URL')),
    transport,
    ...feedbackStores(env, dynamo),
    clock: systemClock,
    leaseSeconds: integer(env, 'DELIVERY_LEASE_SECONDS', 120, 1, 43_200),
    maxReceives: integer(env, 'MAX_RECEIVE_COUNT', 5, 1, 1000),
    retry: {
      baseSeconds: integer(env, 'RETRY_BASE_SECONDS', 30, 0, 43_200),
      maxSeconds: integer(env, 'RETRY_MAX_SECONDS', 900, 0, 43_200),
    },
    log,
    ...(payloads ? { payloads } : {}),
    metrics,
  };
}
