import { DynamoDbMessageStore } from '../adapters/dynamodb-message-store.js';
import { SqsEmailQueue } from '../adapters/sqs-email-queue.js';
import { emittingStore } from '../core/emit-events.js';
import type { Log } from '../core/log.js';
import { systemClock } from '../core/ports.js';
import { createSchedulerHandler, type SchedulerDeps } from '../scheduler/sweep-timer.js';
import { type AwsSettings, awsSettingsFromEnv, dynamoClient, sqsClient } from './clients.js';
import type { Env } from './env.js';
import { FUNCTION_ENVIRONMENTS, readEnvironment } from './environment.js';
import type { Telemetry } from './observability.js';
import { payloadStore } from './stores.js';
import { outboxDeps, webhookQueueAt } from './webhooks.js';

/**
 * The scheduler function: it sweeps due scheduled sends, and the webhook outbox for events
 * whose writer stopped before telling. SCHEDULE_LOOKAHEAD_SECONDS must cover the time
 * between two sweeps (a minute in AWS) so messages leave on time through an SQS delay.
 */
export function schedulerDeps(env: Env, aws: AwsSettings, log: Log): SchedulerDeps {
  const settings = readEnvironment(FUNCTION_ENVIRONMENTS.scheduler, env);
  const payloads = payloadStore(settings.PAYLOAD_BUCKET, aws);
  const store = new DynamoDbMessageStore(dynamoClient(aws), settings.MESSAGES_TABLE);
  const sqs = sqsClient(aws);
  // One outbox for both: the writes tell the queue, and the sweep tells it what a writer did not.
  const emissions = outboxDeps(store, webhookQueueAt(sqs, settings.WEBHOOK_QUEUE_URL).events, log);
  return {
    // A send that runs out of hand-offs fails: the outbox tells the webhook queue.
    messages: emittingStore(store, emissions),
    queue: new SqsEmailQueue(sqs, settings.QUEUE_URL),
    ...(payloads ? { payloads } : {}),
    clock: systemClock,
    log,
    lookaheadSeconds: settings.SCHEDULE_LOOKAHEAD_SECONDS,
    retrySeconds: settings.SCHEDULE_RETRY_SECONDS,
    budgetMs: settings.SCHEDULE_BUDGET_MS,
    emissions,
  };
}

/** The scheduler function as its handler runs it. */
export function composeScheduler(env: Env, telemetry: Telemetry) {
  return createSchedulerHandler(schedulerDeps(env, awsSettingsFromEnv(env), telemetry.log), telemetry.metrics);
}
