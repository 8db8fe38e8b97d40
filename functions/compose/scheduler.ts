import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDbMessageStore } from '../adapters/dynamodb-message-store.js';
import { DynamoDbScheduleStore } from '../adapters/dynamodb-schedule-store.js';
import { SqsBatchQueue } from '../adapters/sqs-batch-queue.js';
import type { SchedulingDeps } from '../core/accept-scheduled.js';
import type { PayloadStore } from '../core/claim-check.js';
import { claimCheckStash } from '../core/claim-check-stash.js';
import { inlinePayloads } from '../core/inline-payloads.js';
import type { Log } from '../core/log.js';
import { systemClock } from '../core/ports.js';
import type { PayloadStash } from '../core/schedule-ports.js';
import type { SweepDeps } from '../core/sweep-scheduled.js';
import { createSchedulerHandler } from '../scheduler/sweep-timer.js';
import { type AwsSettings, awsSettingsFromEnv, dynamoClient, sqsClient } from './clients.js';
import type { Env } from './env.js';
import { FUNCTION_ENVIRONMENTS, readEnvironment } from './environment.js';
import type { Telemetry } from './observability.js';
import { payloadStore } from './stores.js';

/** Large scheduled requests wait in the payload bucket when there is one; inline (≤ 300 KB) otherwise. */
const stashFor = (payloads: PayloadStore | undefined): PayloadStash => (payloads ? claimCheckStash(payloads) : inlinePayloads);

/** Scheduled sends, batches and cancellation for the API. */
export function schedulingDeps(
  tables: { MESSAGES_TABLE: string; QUEUE_URL: string },
  dynamo: DynamoDBClient,
  sqs: SQSClient,
  payloads?: PayloadStore,
): SchedulingDeps {
  const store = new DynamoDbScheduleStore(dynamo, tables.MESSAGES_TABLE);
  return { schedule: store, control: store, payloads: stashFor(payloads), batchQueue: new SqsBatchQueue(sqs, tables.QUEUE_URL, {}, payloads) };
}

/**
 * The scheduler function. SCHEDULE_LOOKAHEAD_SECONDS must cover the time between two
 * sweeps (a minute in AWS) so messages leave on time through an SQS delay.
 */
export function schedulerDeps(env: Env, aws: AwsSettings, log: Log): SweepDeps {
  const settings = readEnvironment(FUNCTION_ENVIRONMENTS.scheduler, env);
  const dynamo = dynamoClient(aws);
  const payloads = payloadStore(settings.PAYLOAD_BUCKET, aws);
  return {
    schedule: new DynamoDbScheduleStore(dynamo, settings.MESSAGES_TABLE),
    payloads: stashFor(payloads),
    queue: new SqsBatchQueue(sqsClient(aws), settings.QUEUE_URL, {}, payloads),
    store: new DynamoDbMessageStore(dynamo, settings.MESSAGES_TABLE),
    clock: systemClock,
    log,
    lookaheadSeconds: settings.SCHEDULE_LOOKAHEAD_SECONDS,
    retrySeconds: settings.SCHEDULE_RETRY_SECONDS,
    budgetMs: settings.SCHEDULE_BUDGET_MS,
  };
}

/** The scheduler function as its handler runs it. */
export function composeScheduler(env: Env, telemetry: Telemetry) {
  return createSchedulerHandler(schedulerDeps(env, awsSettingsFromEnv(env, telemetry.instrument), telemetry.log), telemetry.metrics);
}
