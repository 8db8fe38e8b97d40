import { DynamoDbMessageStore } from '../adapters/dynamodb-message-store.js';
import { DynamoDbScheduleStore } from '../adapters/dynamodb-schedule-store.js';
import { SqsBatchQueue } from '../adapters/sqs-batch-queue.js';
import type { Log } from '../core/log.js';
import { systemClock } from '../core/ports.js';
import type { SweepDeps } from '../core/sweep-scheduled.js';
import { createSchedulerHandler } from '../scheduler/sweep-timer.js';
import { type AwsSettings, awsSettingsFromEnv, dynamoClient, sqsClient } from './clients.js';
import { type Env, readSettings } from './environment.js';
import type { Runtime } from './runtime.js';
import { payloadStore, stashFor } from './stores.js';

/**
 * The scheduler function. SCHEDULE_LOOKAHEAD_SECONDS must cover the time between two
 * sweeps (a minute in AWS) so messages leave on time through an SQS delay.
 */
export function schedulerDeps(env: Env, aws: AwsSettings, log: Log): SweepDeps {
  const settings = readSettings('scheduler', env);
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

/** The every-minute sweep: scheduled messages that fall due go to the send queue. */
export function composeScheduler(env: Env, runtime: Runtime) {
  return createSchedulerHandler(schedulerDeps(env, awsSettingsFromEnv(env, runtime.instrument), runtime.log));
}
