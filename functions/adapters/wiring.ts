import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { v7 as uuidv7 } from 'uuid';
import type { ApiDeps } from '../api/routes.js';
import type { DeliverHandlerDeps } from '../deliver/app.js';
import type { Log } from '../core/log.js';
import { systemClock, type Transport } from '../core/ports.js';
import { dynamoClient, s3Client, sqsClient, type AwsSettings } from './aws-clients.js';
import { S3PayloadStore } from './s3-payload-store.js';
import type { PayloadStore } from '../core/claim-check.js';
import { parseDomainList } from '../core/sender-policy.js';
import type { NotificationDeps } from '../core/record-notification.js';
import { DynamoDbFeedbackStore } from './dynamodb-feedback-store.js';
import { DynamoDbMessageStore } from './dynamodb-message-store.js';
import { DynamoDbSuppressionStore } from './dynamodb-suppression-store.js';
import { integer, required, type Env } from './env.js';
import { powertoolsIdempotency } from './powertools-idempotency.js';
import { SqsEmailQueue } from './sqs-email-queue.js';

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

/** The suppressions and feedback tables: the API reads them, deliver and events write them. */
function feedbackStores(env: Env, dynamo: DynamoDBClient) {
  return {
    suppressions: new DynamoDbSuppressionStore(dynamo, required(env, 'SUPPRESSIONS_TABLE')),
    feedback: new DynamoDbFeedbackStore(dynamo, required(env, 'FEEDBACK_TABLE')),
  };
}

export function eventsDeps(env: Env, aws: AwsSettings, log: Log): NotificationDeps {
  const dynamo = dynamoClient(aws);
  return {
    messages: new DynamoDbMessageStore(dynamo, required(env, 'MESSAGES_TABLE')),
    ...feedbackStores(env, dynamo),
    clock: systemClock,
    log,
  };
}

export function deliverDeps(env: Env, aws: AwsSettings, transport: Transport, log: Log): DeliverHandlerDeps {
  const dynamo = dynamoClient(aws);
  const store = new DynamoDbMessageStore(dynamo, required(env, 'MESSAGES_TABLE'));
  const queue = new SqsEmailQueue(sqsClient(aws), required(env, 'QUEUE_URL'));
  const payloads = payloadStore(env, aws);
  return {
    store,
    transport,
    ...feedbackStores(env, dynamo),
    clock: systemClock,
    leaseSeconds: integer(env, 'DELIVERY_LEASE_SECONDS', 120, 1, 43_200),
    maxReceives: integer(env, 'MAX_RECEIVE_COUNT', 5, 1, 1000),
    retry: {
      baseSeconds: integer(env, 'RETRY_BASE_SECONDS', 30, 0, 43_200),
      maxSeconds: integer(env, 'RETRY_MAX_SECONDS', 900, 0, 43_200),
      delay: (receiptHandle, seconds) => queue.delayRetry(receiptHandle, seconds),
    },
    log,
    ...(payloads ? { payloads } : {}),
  };
}

/** The claim-check bucket; without one, messages must fit in the queue. */
function payloadStore(env: Env, aws: AwsSettings): PayloadStore | undefined {
  return env.PAYLOAD_BUCKET ? new S3PayloadStore(s3Client(aws), env.PAYLOAD_BUCKET) : undefined;
}
