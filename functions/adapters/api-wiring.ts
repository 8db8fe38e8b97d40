import { v7 as uuidv7 } from 'uuid';
import type { ApiDeps } from '../api/routes.js';
import { systemClock } from '../core/ports.js';
import { parseDomainList } from '../core/sender-policy.js';
import { dynamoClient, sqsClient, type AwsSettings } from './aws-clients.js';
import { DynamoDbMessageStore } from './dynamodb-message-store.js';
import { required, type Env } from './env.js';
import { powertoolsIdempotency } from './powertools-idempotency.js';
import { SqsEmailQueue } from './sqs-email-queue.js';
import { feedbackStores, payloadStore } from './stores-from-env.js';

/** Builds the API's dependencies from settings; the Lambda handler and the local runner share it. */
export function apiDeps(env: Env, aws: AwsSettings): ApiDeps {
  const dynamo = dynamoClient(aws);
  const store = new DynamoDbMessageStore(dynamo, required(env, 'MESSAGES_TABLE'));
  const queue = new SqsEmailQueue(sqsClient(aws), required(env, 'QUEUE_URL'), payloadStore(env, aws));
  return {
    accept: { store, queue, clock: systemClock, newId: uuidv7 },
    store,
    idempotency: powertoolsIdempotency(dynamo, required(env, 'IDEMPOTENCY_TABLE')),
    allowedSenderDomains: parseDomainList(env.ALLOWED_SENDER_DOMAINS),
    ...feedbackStores(env, dynamo),
  };
}
