import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SchedulingDeps } from '../core/accept-scheduled.js';
import type { PayloadStore } from '../core/claim-check.js';
import { claimCheckStash } from '../core/claim-check-stash.js';
import { inlinePayloads } from '../core/inline-payloads.js';
import type { Log } from '../core/log.js';
import { systemClock } from '../core/ports.js';
import type { PayloadStash } from '../core/schedule-ports.js';
import type { SweepDeps } from '../core/sweep-scheduled.js';
import { type AwsSettings, dynamoClient, sqsClient } from './aws-clients.js';
import { DynamoDbMessageStore } from './dynamodb-message-store.js';
import { DynamoDbScheduleStore } from './dynamodb-schedule-store.js';
import { type Env, integer, required } from './env.js';
import { SqsBatchQueue } from './sqs-batch-queue.js';
import { payloadStore } from './stores-from-env.js';

/** Large scheduled requests wait in the payload bucket when there is one; inline (≤ 300 KB) otherwise. */
const stashFor = (payloads: PayloadStore | undefined): PayloadStash => (payloads ? claimCheckStash(payloads) : inlinePayloads);

/** Scheduled sends, batches and cancellation for the API. */
export function schedulingDeps(env: Env, dynamo: DynamoDBClient, sqs: SQSClient, payloads?: PayloadStore): SchedulingDeps {
  const store = new DynamoDbScheduleStore(dynamo, required(env, 'MESSAGES_TABLE'));
  return { schedule: store, control: store, payloads: stashFor(payloads), batchQueue: new SqsBatchQueue(sqs, required(env, 'QUEUE_URL'), {}, payloads) };
}

/**
 * The scheduler function. SCHEDULE_LOOKAHEAD_SECONDS must cover the time between two
 * sweeps (a minute in AWS) so messages leave on time through an SQS delay.
 */
export function schedulerDeps(env: Env, aws: AwsSettings, log: Log): SweepDeps {
  const dynamo = dynamoClient(aws);
  const table = required(env, 'MESSAGES_TABLE');
  const payloads = payloadStore(env, aws);
  return {
    schedule: new DynamoDbScheduleStore(dynamo, table),
    payloads: stashFor(payloads),
    queue: new SqsBatchQueue(sqsClient(aws), required(env, 'QUEUE_URL'), {}, payloads),
    store: new DynamoDbMessageStore(dynamo, table),
    clock: systemClock,
    log,
    lookaheadSeconds: integer(env, 'SCHEDULE_LOOKAHEAD_SECONDS', 90, 0, 900),
    retrySeconds: integer(env, 'SCHEDULE_RETRY_SECONDS', 120, 1, 3600),
    budgetMs: integer(env, 'SCHEDULE_BUDGET_MS', 45_000, 1000, 900_000),
  };
}
