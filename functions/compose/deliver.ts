/** The deliver function: its stores and queue, retry settings, and the one transport it is configured for. */
import { DynamoDbMessageStore } from '../adapters/dynamodb-message-store.js';
import { SqsEmailQueue } from '../adapters/sqs-email-queue.js';
import type { Log } from '../core/log.js';
import { type Metrics, noMetrics } from '../core/metrics.js';
import { type MessageStore, systemClock, type Transport } from '../core/ports.js';
import { createDeliverHandler, type DeliverHandlerDeps } from '../deliver/sqs-batch.js';
import { type AwsSettings, awsSettingsFromEnv, dynamoClient, sqsClient } from './clients.js';
import type { Env } from './env.js';
import { FUNCTION_ENVIRONMENTS, readEnvironment } from './environment.js';
import type { Telemetry } from './observability.js';
import { feedbackStores, payloadStore } from './stores.js';
import { transportFromEnv } from './transport.js';
import { emittingMessages, webhookQueueAt } from './webhooks.js';

export interface DeliverOptions {
  /** Wraps the message store beneath the outbox: the local worker's chaos fault point (local/kill-after-write.ts). */
  beneathOutbox?: (store: MessageStore) => MessageStore;
}

export function deliverDeps(
  env: Env,
  aws: AwsSettings,
  transport: Transport,
  log: Log,
  metrics: Metrics = noMetrics,
  options: DeliverOptions = {},
): DeliverHandlerDeps {
  const settings = readEnvironment(FUNCTION_ENVIRONMENTS.deliver, env);
  const dynamo = dynamoClient(aws);
  const payloads = payloadStore(settings.PAYLOAD_BUCKET, aws);
  const store = new DynamoDbMessageStore(dynamo, settings.MESSAGES_TABLE);
  const sqs = sqsClient(aws);
  return {
    messages: emittingMessages(options.beneathOutbox?.(store) ?? store, webhookQueueAt(sqs, settings.WEBHOOK_QUEUE_URL).events, log),
    queue: new SqsEmailQueue(sqs, settings.QUEUE_URL),
    transport,
    ...feedbackStores(settings, dynamo),
    clock: systemClock,
    leaseSeconds: settings.DELIVERY_LEASE_SECONDS,
    maxReceives: settings.MAX_RECEIVE_COUNT,
    retry: {
      baseSeconds: settings.RETRY_BASE_SECONDS,
      maxSeconds: settings.RETRY_MAX_SECONDS,
    },
    log,
    ...(payloads ? { payloads } : {}),
    ...(payloads && settings.SENT_CONTENT_DAYS > 0 ? { keptContent: payloads } : {}),
    metrics,
  };
}

/** The deliver function as its handler runs it; the transport (SMTP secret, SES client) is set up once, here. */
export async function composeDeliver(env: Env, telemetry: Telemetry, options: DeliverOptions = {}) {
  const aws = awsSettingsFromEnv(env);
  const transport = await transportFromEnv(env, aws, telemetry.log);
  return createDeliverHandler(deliverDeps(env, aws, transport, telemetry.log, telemetry.metrics, options));
}
