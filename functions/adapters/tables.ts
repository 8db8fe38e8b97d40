import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The tables, their keys and indexes: one definition that the local runner creates and
 * the CDK stack is checked against (test/infra). Attribute names are plain words because
 * operators read these items in the DynamoDB console.
 *
 *  messages      id                              GSI byProviderMessageId (SES MessageId → our id)
 *                                                GSI byDue (scheduledBucket + dueAt): sparse, only scheduled messages
 *                                                GSI byPendingEmission (emitBucket + emitPendingSince): sparse, the webhook outbox
 *                                                GSI byLog (logBucket + logKey): the email log, its search items and the event feed
 *                                                GSI byStatus (statusBucket + logKey): the email log by status
 *                                                TTL expiresAt (messageRetentionDays), on messages and their index items
 *  idempotency   id (Powertools layout)          TTL expiration
 *  feedback      recipient + feedbackKey         GSI byMessage (messageId + feedbackKey); one item per bounced/complaining recipient
 *                                                GSI byTime (feedbackBucket + feedbackOrder): every recipient's, newest first, by type
 *  suppressions  address
 *  apiKeys       keyId                           the key's secret is stored only as a hash
 *  webhooks      id                              one item per endpoint, its signing secrets inside (the table is encrypted)
 *  webhookDeliveries endpointId + deliveryId     one item per event and endpoint, its attempts inside; TTL expiresAt (30 days)
 *  templates     alias + entry                   `v00000001`, `v00000002`, … one item per version; `latest` a copy of the newest
 *                                                (or, once deleted, a tombstone keeping the last number);
 *                                                GSI byAlias (listing + alias): sparse, only live templates' `latest`
 */
export type TableName = 'messages' | 'idempotency' | 'feedback' | 'suppressions' | 'apiKeys' | 'webhooks' | 'webhookDeliveries' | 'templates';

export const LOCAL_TABLES: Record<TableName, string> = {
  messages: 'posthaste-messages',
  idempotency: 'posthaste-idempotency',
  feedback: 'posthaste-feedback',
  suppressions: 'posthaste-suppressions',
  apiKeys: 'posthaste-api-keys',
  webhooks: 'posthaste-webhooks',
  webhookDeliveries: 'posthaste-webhook-deliveries',
  templates: 'posthaste-templates',
};

export const TTL_ATTRIBUTE: Partial<Record<TableName, string>> = { messages: 'expiresAt', idempotency: 'expiration', webhookDeliveries: 'expiresAt' };

const S = 'S' as const;

/**
 * The scheduler's index on the messages table. Only scheduled messages carry its keys, so
 * a sweep reads nothing else; `scheduledBucket` spreads them over a few partitions.
 */
export const SCHEDULE_INDEX = 'byDue';
export const SCHEDULE_BUCKETS = 8;

/**
 * The webhook outbox's index on the messages table: a message carries `emitBucket` +
 * `emitPendingSince` from the write that appended a webhook-worthy history line until the
 * line has been handed to the webhook queue. A sweep reads what a process that died in
 * between left behind; nothing else is in the index.
 */
export const EMISSION_INDEX = 'byPendingEmission';

/**
 * The email log's index on the messages table, over three kinds of item, each under a
 * sharded partition key (`<listing>#<shard>`) and sorted by `logKey` (time, then id):
 * every message (`log#n`, keyed by creation time), one small search item per recipient,
 * sender and tag of a message (`rcpt:<address>#n`, `from:<address>#n`, `tag:<name>:<value>#n`,
 * written when it is accepted), and one feed item per webhook event (`events#n`, keyed by
 * when it happened). Its keys never change once written, so later updates of a message
 * cost the index nothing.
 */
export const LOG_INDEX = 'byLog';

/**
 * The email log by status: every message under `<status>#<shard>`, sorted by `logKey`. The
 * partition key moves with the status (a status write rewrites the index entry).
 */
export const STATUS_INDEX = 'byStatus';

/** Every recipient's bounce and complaint records, newest first: `<type>#<shard>`, sorted by `feedbackOrder`. */
export const FEEDBACK_TIME_INDEX = 'byTime';

/**
 * The templates listing: every live template's `latest` item carries `listing` (one value
 * for all, since a deployment has tens or hundreds of templates, not millions), so a query
 * pages through them in alias order; a deleted template's tombstone drops out.
 */
export const TEMPLATE_LIST_INDEX = 'byAlias';

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
        { AttributeName: 'emitBucket', AttributeType: S },
        { AttributeName: 'emitPendingSince', AttributeType: S },
        { AttributeName: 'logBucket', AttributeType: S },
        { AttributeName: 'logKey', AttributeType: S },
        { AttributeName: 'statusBucket', AttributeType: S },
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
        {
          IndexName: EMISSION_INDEX,
          KeySchema: [
            { AttributeName: 'emitBucket', KeyType: 'HASH' },
            { AttributeName: 'emitPendingSince', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
        {
          IndexName: LOG_INDEX,
          KeySchema: [
            { AttributeName: 'logBucket', KeyType: 'HASH' },
            { AttributeName: 'logKey', KeyType: 'RANGE' },
          ],
          // What a search or feed item points at; none of these ever changes.
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['messageId', 'historyIndex', 'eventType'] },
        },
        {
          IndexName: STATUS_INDEX,
          KeySchema: [
            { AttributeName: 'statusBucket', KeyType: 'HASH' },
            { AttributeName: 'logKey', KeyType: 'RANGE' },
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
        { AttributeName: 'feedbackBucket', AttributeType: S },
        { AttributeName: 'feedbackOrder', AttributeType: S },
      ],
      KeySchema: [
        { AttributeName: 'recipient', KeyType: 'HASH' },
        { AttributeName: 'feedbackKey', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: FEEDBACK_TIME_INDEX,
          KeySchema: [
            { AttributeName: 'feedbackBucket', KeyType: 'HASH' },
            { AttributeName: 'feedbackOrder', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
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
    webhooks: {
      TableName: names.webhooks,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: S }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    },
    webhookDeliveries: {
      TableName: names.webhookDeliveries,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'endpointId', AttributeType: S },
        { AttributeName: 'deliveryId', AttributeType: S },
      ],
      KeySchema: [
        { AttributeName: 'endpointId', KeyType: 'HASH' },
        { AttributeName: 'deliveryId', KeyType: 'RANGE' },
      ],
    },
    templates: {
      TableName: names.templates,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'alias', AttributeType: S },
        { AttributeName: 'entry', AttributeType: S },
        { AttributeName: 'listing', AttributeType: S },
      ],
      KeySchema: [
        { AttributeName: 'alias', KeyType: 'HASH' },
        { AttributeName: 'entry', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: TEMPLATE_LIST_INDEX,
          KeySchema: [
            { AttributeName: 'listing', KeyType: 'HASH' },
            { AttributeName: 'alias', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['version', 'subject', 'description', 'createdAt'] },
        },
      ],
    },
  };
}
