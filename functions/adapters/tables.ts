import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The tables, their keys and indexes: one definition that the local runner creates and
 * the CDK stack is checked against (test/infra). Attribute names are plain words because
 * operators read these items in the DynamoDB console.
 *
 *  messages      id                              GSI byProviderMessageId (SES MessageId → our id)
 *                                                GSI byDue (scheduledBucket + dueAt): sparse, only scheduled messages
 *  idempotency   id (Powertools layout)          TTL expiration
 *  feedback      recipient + feedbackKey         GSI byMessage (messageId + feedbackKey); one item per bounced/complaining recipient
 *  suppressions  address
 *  apiKeys       keyId                           the key's secret is stored only as a hash
 */
export type TableName = 'messages' | 'idempotency' | 'feedback' | 'suppressions' | 'apiKeys';

export const LOCAL_TABLES: Record<TableName, string> = {
  messages: 'posthaste-messages',
  idempotency: 'posthaste-idempotency',
  feedback: 'posthaste-feedback',
  suppressions: 'posthaste-suppressions',
  apiKeys: 'posthaste-api-keys',
};

export const TTL_ATTRIBUTE: Partial<Record<TableName, string>> = { idempotency: 'expiration' };

const S = 'S' as const;

/**
 * The scheduler's index on the messages table. Only scheduled messages carry its keys, so
 * a sweep reads nothing else; `scheduledBucket` spreads them over a few partitions.
 */
export const SCHEDULE_INDEX = 'byDue';
export const SCHEDULE_BUCKETS = 8;

export function tableDefinitions(names: Record<TableName, string> = LOCAL_TABLES): Record<TableName, CreateTableCommandInput> {
  return {
    messages: {
      TableName: names.messages,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'id', AttributeType: S },
        { AttributeName: 'providerMessageId', AttributeType: S },
        { AttributeName: 'scheduledBucket', AttributeType: S },
        { AttributeName: 'dueAt', AttributeType: S },
      ],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        { IndexName: 'byProviderMessageId', KeySchema: [{ AttributeName: 'providerMessageId', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } },
        {
          IndexName: SCHEDULE_INDEX,
          KeySchema: [
            { AttributeName: 'scheduledBucket', KeyType: 'HASH' },
            { AttributeName: 'dueAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    },
    idempotency: {
      TableName: names.idempotency,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: S }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    },
    feedback: {
      TableName: names.feedback,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'recipient', AttributeType: S },
        { AttributeName: 'feedbackKey', AttributeType: S },
        { AttributeName: 'messageId', AttributeType: S },
      ],
      KeySchema: [
        { AttributeName: 'recipient', KeyType: 'HASH' },
        { AttributeName: 'feedbackKey', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byMessage',
          KeySchema: [
            { AttributeName: 'messageId', KeyType: 'HASH' },
            { AttributeName: 'feedbackKey', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    },
    suppressions: {
      TableName: names.suppressions,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'address', AttributeType: S }],
      KeySchema: [{ AttributeName: 'address', KeyType: 'HASH' }],
    },
    apiKeys: {
      TableName: names.apiKeys,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'keyId', AttributeType: S }],
      KeySchema: [{ AttributeName: 'keyId', KeyType: 'HASH' }],
    },
  };
}
