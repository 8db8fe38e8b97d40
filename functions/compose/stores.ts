import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbFeedbackStore } from '../adapters/dynamodb-feedback-store.js';
import { DynamoDbSuppressionStore } from '../adapters/dynamodb-suppression-store.js';
import { S3PayloadStore } from '../adapters/s3-payload-store.js';
import type { PayloadStore } from '../core/ports.js';
import { type AwsSettings, s3Client } from './clients.js';

/** The suppressions and feedback tables: the API reads them, deliver and events write them. */
export function feedbackStores(tables: { SUPPRESSIONS_TABLE: string; FEEDBACK_TABLE: string }, dynamo: DynamoDBClient) {
  return {
    suppressions: new DynamoDbSuppressionStore(dynamo, tables.SUPPRESSIONS_TABLE),
    feedback: new DynamoDbFeedbackStore(dynamo, tables.FEEDBACK_TABLE),
  };
}

/** The claim-check bucket; without one, messages must fit in the queue. */
export function payloadStore(bucket: string | undefined, aws: AwsSettings): PayloadStore | undefined {
  return bucket ? new S3PayloadStore(s3Client(aws), bucket) : undefined;
}
