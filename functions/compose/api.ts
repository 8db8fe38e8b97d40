import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { v7 as uuidv7 } from 'uuid';
import { DynamoDbMessageStore } from '../adapters/dynamodb-message-store.js';
import { DynamoDbScheduleStore } from '../adapters/dynamodb-schedule-store.js';
import { powertoolsIdempotency } from '../adapters/powertools-idempotency.js';
import { SqsBatchQueue } from '../adapters/sqs-batch-queue.js';
import { SqsEmailQueue } from '../adapters/sqs-email-queue.js';
import { createApiHandler } from '../api/api-gateway-adapter.js';
import type { ApiDeps } from '../api/routes.js';
import type { SchedulingDeps } from '../core/accept-scheduled.js';
import type { PayloadStore } from '../core/claim-check.js';
import type { Log } from '../core/log.js';
import { type Metrics, noMetrics } from '../core/metrics.js';
import { systemClock } from '../core/ports.js';
import { type AwsSettings, awsSettingsFromEnv, dynamoClient, sqsClient } from './clients.js';
import { type Env, readSettings, type Settings } from './environment.js';
import type { Runtime } from './runtime.js';
import { feedbackStores, payloadStore, stashFor } from './stores.js';

/** Scheduled sends, batches and cancellation for the API. */
function schedulingDeps(settings: Settings<'api'>, dynamo: DynamoDBClient, sqs: SQSClient, payloads?: PayloadStore): SchedulingDeps {
  const store = new DynamoDbScheduleStore(dynamo, settings.MESSAGES_TABLE);
  return { schedule: store, control: store, payloads: stashFor(payloads), batchQueue: new SqsBatchQueue(sqs, settings.QUEUE_URL, {}, payloads) };
}

/** The API's dependencies; the Lambda handler and the local runner share them. */
export function apiDeps(env: Env, aws: AwsSettings, metrics: Metrics = noMetrics, log?: Log): ApiDeps {
  const settings = readSettings('api', env);
  const dynamo = dynamoClient(aws);
  const sqs = sqsClient(aws);
  const store = new DynamoDbMessageStore(dynamo, settings.MESSAGES_TABLE);
  const payloads = payloadStore(settings.PAYLOAD_BUCKET, aws);
  const queue = new SqsEmailQueue(sqs, settings.QUEUE_URL, payloads);
  return {
    accept: {
      store,
      queue,
      clock: systemClock,
      newId: uuidv7,
      metrics,
      allowedSenderDomains: settings.ALLOWED_SENDER_DOMAINS,
      ...(log ? { log } : {}),
    },
    scheduling: schedulingDeps(settings, dynamo, sqs, payloads),
    store,
    idempotency: powertoolsIdempotency(dynamo, settings.IDEMPOTENCY_TABLE),
    ...feedbackStores(settings, dynamo),
  };
}

/** API Gateway requests → the HTTP API. */
export function composeApi(env: Env, runtime: Runtime) {
  return createApiHandler(apiDeps(env, awsSettingsFromEnv(env, runtime.instrument), runtime.metrics, runtime.log), runtime.log);
}
