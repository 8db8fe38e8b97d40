import { DynamoDbMessageStore } from '../adapters/dynamodb-message-store.js';
import { SqsEmailQueue } from '../adapters/sqs-email-queue.js';
import type { Log } from '../core/log.js';
import { type Metrics, noMetrics } from '../core/metrics.js';
import { systemClock, type Transport } from '../core/ports.js';
import { createDeliverHandler, type DeliverHandlerDeps } from '../deliver/sqs-batch.js';
import { type AwsSettings, awsSettingsFromEnv, dynamoClient, sqsClient } from './clients.js';
import { type Env, readSettings } from './environment.js';
import type { Runtime } from './runtime.js';
import { feedbackStores, payloadStore } from './stores.js';
import { transportFromEnv } from './transport.js';

/** The deliver function's dependencies, around a transport built by the caller (the local runner wraps it in the mailbox simulator). */
export function deliverDeps(env: Env, aws: AwsSettings, transport: Transport, log: Log, metrics: Metrics = noMetrics): DeliverHandlerDeps {
  const settings = readSettings('deliver', env);
  const dynamo = dynamoClient(aws);
  const queue = new SqsEmailQueue(sqsClient(aws), settings.QUEUE_URL);
  const payloads = payloadStore(settings.PAYLOAD_BUCKET, aws);
  return {
    store: new DynamoDbMessageStore(dynamo, settings.MESSAGES_TABLE),
    transport,
    ...feedbackStores(settings, dynamo),
    clock: systemClock,
    leaseSeconds: settings.DELIVERY_LEASE_SECONDS,
    maxReceives: settings.MAX_RECEIVE_COUNT,
    retry: {
      baseSeconds: settings.RETRY_BASE_SECONDS,
      maxSeconds: settings.RETRY_MAX_SECONDS,
      delay: (receiptHandle, seconds) => queue.delayRetry(receiptHandle, seconds),
    },
    log,
    ...(payloads ? { payloads } : {}),
    metrics,
  };
}

/** SQS batches → delivery through the configured transport, set up once per container (SMTP secret, SES client). */
export async function composeDeliver(env: Env, runtime: Runtime) {
  const aws = awsSettingsFromEnv(env, runtime.instrument);
  const transport = await transportFromEnv(env, aws, runtime.log);
  return createDeliverHandler(deliverDeps(env, aws, transport, runtime.log, runtime.metrics));
}
