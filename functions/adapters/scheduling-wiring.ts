import type { Log } from '../core/log.js';
import { systemClock } from '../core/ports.js';
import type { SweepDeps } from '../core/sweep-scheduled.js';
import { type AwsSettings, dynamoClient, sqsClient } from './aws-clients.js';
import { DynamoDbMessageStore } from './dynamodb-message-store.js';
import { type Env, integer, required } from './env.js';
import { SqsEmailQueue } from './sqs-email-queue.js';
import { payloadStore } from './stores-from-env.js';

/**
 * The scheduler function. SCHEDULE_LOOKAHEAD_SECONDS must cover the time between two
 * sweeps (a minute in AWS) so messages leave on time through an SQS delay.
 */
export function schedulerDeps(env: Env, aws: AwsSettings, log: Log): SweepDeps {
  const payloads = payloadStore(env, aws);
  return {
    messages: new DynamoDbMessageStore(dynamoClient(aws), required(env, 'MESSAGES_TABLE')),
    queue: new SqsEmailQueue(sqsClient(aws), required(env, 'QUEUE_URL')),
    ...(payloads ? { payloads } : {}),
    clock: systemClock,
    log,
    lookaheadSeconds: integer(env, 'SCHEDULE_LOOKAHEAD_SECONDS', 90, 0, 900),
    retrySeconds: integer(env, 'SCHEDULE_RETRY_SECONDS', 120, 1, 3600),
    budgetMs: integer(env, 'SCHEDULE_BUDGET_MS', 45_000, 1000, 900_000),
  };
}
