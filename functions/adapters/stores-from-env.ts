import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PayloadStore } from '../core/ports.js';
import { type AwsSettings, s3Client } from './aws-clients.js';
import { DynamoDbFeedbackStore } from './dynamodb-feedback-store.js';
import { DynamoDbSuppressionStore } from './dynamodb-suppression-store.js';
import { type Env, required } from './env.js';
import { S3PayloadStore } from './s3-payload-store.js';

/** The suppressions and feedback tables: the API reads them, deliver and events write them. */
export function feedbackStores(env: Env, dynamo: DynamoDBClient) {
  return {
    suppressions: new DynamoDbSuppressionStore(dynamo, required(env, 'SUPPRESSIONS_TABLE')),
    feedback: new DynamoDbFeedbackStore(dynamo, required(env, 'FEEDBACK_TABLE')),
  };
}

/** The claim-check bucket; without one, messages must fit in the queue. */
export function payloadStore(env: Env, aws: AwsSettings): PayloadStore | undefined {
  return env.PAYLOAD_BUCKET ? new S3PayloadStore(s3Client(aws), env.PAYLOAD_BUCKET) : undefined;
}
