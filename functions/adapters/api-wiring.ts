import { v7 as uuidv7 } from 'uuid';
import type { ApiDeps } from '../api/deps.js';
import type { Log } from '../core/log.js';
import { type Metrics, noMetrics } from '../core/metrics.js';
import { systemClock } from '../core/ports.js';
import { parseDomainList } from '../core/sender-policy.js';
import { type AwsSettings, dynamoClient, sqsClient } from './aws-clients.js';
import { DynamoDbMessageStore } from './dynamodb-message-store.js';
import { type Env, required } from './env.js';
import { powertoolsIdempotency } from './powertools-idempotency.js';
import { SqsEmailQueue } from './sqs-email-queue.js';
import { feedbackStores, payloadStore } from './stores-from-env.js';

/** Builds the API's dependencies from settings; the Lambda handler and the local runner share it. */
export function apiDeps(env: Env, aws: AwsSettings, metrics: Metrics = noMetrics, log?: Log): ApiDeps {
  const dynamo = dynamoClient(aws);
  const messages = new DynamoDbMessageStore(dynamo, required(env, 'MESSAGES_TABLE'));
  const payloads = payloadStore(env, aws);
  return {
    accept: {
      messages,
      queue: new SqsEmailQueue(sqsClient(aws), required(env, 'QUEUE_URL')),
      ...(payloads ? { payloads } : {}),
      clock: systemClock,
      newId: uuidv7,
      metrics,
      allowedSenderDomains: parseDomainList(env.ALLOWED_SENDER_DOMAINS),
      ...(log ? { log } : {}),
    },
    messages,
    idempotency: powertoolsIdempotency(dynamo, required(env, 'IDEMPOTENCY_TABLE')),
    ...feedbackStores(env, dynamo),
  };
}
