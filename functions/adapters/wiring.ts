import { v7 as uuidv7 } from 'uuid';
import type { ApiDeps } from '../api/routes.js';
import type { DeliverHandlerDeps } from '../deliver/app.js';
import type { Log } from '../core/log.js';
import { systemClock, type Transport } from '../core/ports.js';
import { dynamoClient, sqsClient, type AwsSettings } from './aws-clients.js';
import { DynamoDbMessageStore } from './dynamodb-message-store.js';
import { integer, required, type Env } from './env.js';
import { powertoolsIdempotency } from './powertools-idempotency.js';
import { SqsEmailQueue } from './sqs-email-queue.js';
import { schedulingDeps } from './scheduling-wiring.js';
import { noMetrics, type Metrics } from '../core/metrics.js';

/** Builds the API's dependencies from settings; the Lambda handler and the local runner share it. */
export function apiDeps(env: Env, aws: AwsSettings, metrics: Metrics = noMetrics, log?: Log): ApiDeps {
  const dynamo = dynamoClient(aws);
  const sqs = sqsClient(aws);
  const store = new DynamoDbMessageStore(dynamo, required(env, 'MESSAGES_TABLE'));
  const queue = new SqsEmailQueue(sqs, required(env, 'QUEUE_URL'));
  return {
    accept: { store, queue, clock: systemClock, newId: uuidv7, metrics, ...(log ? { log } : {}) },
    scheduling: schedulingDeps(env, dynamo, sqs),
    store,
    idempotency: powertoolsIdempotency(dynamo, required(env, 'IDEMPOTENCY_TABLE')),
  };
}

export function deliverDeps(env: Env, aws: AwsSettings, transport: Transport, log: Log, metrics: Metrics = noMetrics): DeliverHandlerDeps {
  const store = new DynamoDbMessageStore(dynamoClient(aws), required(env, 'MESSAGES_TABLE'));
  const queue = new SqsEmailQueue(sqsClient(aws), required(env, 'QUEUE_URL'));
  return {
    store,
    transport,
    clock: systemClock,
    leaseSeconds: integer(env, 'DELIVERY_LEASE_SECONDS', 120, 1, 43_200),
    maxReceives: integer(env, 'MAX_RECEIVE_COUNT', 5, 1, 1000),
    retry: {
      baseSeconds: integer(env, 'RETRY_BASE_SECONDS', 30, 0, 43_200),
      maxSeconds: integer(env, 'RETRY_MAX_SECONDS', 900, 0, 43_200),
      delay: (receiptHandle, seconds) => queue.delayRetry(receiptHandle, seconds),
    },
    log,
    metrics,
  };
}
