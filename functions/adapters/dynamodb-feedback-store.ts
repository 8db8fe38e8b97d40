import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { FeedbackStore, Page, PageRequest } from '../core/ports.js';
import { FEEDBACK_TYPES, type FeedbackRecord } from '../core/records.js';
import { documentClient, putIfAbsent } from './dynamodb-document.js';
import { allShards, PAGE_READ_BUDGET, ShardedListing, shardKey } from './dynamodb-sharded-index.js';
import { FEEDBACK_TIME_INDEX } from './tables.js';

/**
 * Feedback table: one item per bounced or complaining recipient and report, keyed by
 * recipient + feedbackKey (time first, so a query read backwards is newest first); the
 * byMessage index lists a message's reports.
 */
export class DynamoDbFeedbackStore implements FeedbackStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  /** With its place among every recipient's records (byTime): time first, the recipient to tell apart one report's recipients. */
  async record(item: FeedbackRecord): Promise<boolean> {
    const listed = { feedbackBucket: shardKey(item.type, item.recipient), feedbackOrder: `${item.feedbackKey}#${item.recipient}` };
    return putIfAbsent(this.doc, this.tableName, { ...item, ...listed }, 'feedbackKey');
  }

  async has(recipient: string, feedbackKey: string): Promise<boolean> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { recipient, feedbackKey }, ProjectionExpression: 'recipient', ConsistentRead: true }),
    );
    return out.Item !== undefined;
  }

  async listByRecipient(recipient: string, page: PageRequest): Promise<Page<FeedbackRecord>> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'recipient = :r',
        ExpressionAttributeValues: { ':r': recipient },
        ScanIndexForward: false,
        Limit: page.limit,
        ...(page.after ? { ExclusiveStartKey: page.after } : {}),
      }),
    );
    return { items: (out.Items ?? []).map(toFeedback), ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey as Record<string, string> } : {}) };
  }

  async listRecent(query: { type?: FeedbackRecord['type']; since?: string }, page: PageRequest): Promise<Page<FeedbackRecord>> {
    const types = query.type ? [query.type] : FEEDBACK_TYPES;
    const listing = new ShardedListing({
      doc: this.doc,
      tableName: this.tableName,
      indexName: FEEDBACK_TIME_INDEX,
      partitionKey: 'feedbackBucket',
      partitions: types.flatMap((type) => allShards(type)),
      sortKey: 'feedbackOrder',
      ascending: false,
      ...(query.since !== undefined ? { lowest: query.since } : {}),
      ...(page.after?.before !== undefined ? { after: page.after.before } : {}),
      readBudget: PAGE_READ_BUDGET,
    });
    const items = (await listing.take(page.limit)).map(toFeedback);
    const resume = listing.resume;
    return { items, ...(resume !== undefined ? { next: { before: resume } } : {}) };
  }

  /** A message's reports, oldest first. */
  async listByMessage(messageId: string): Promise<FeedbackRecord[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byMessage',
        KeyConditionExpression: 'messageId = :m',
        ExpressionAttributeValues: { ':m': messageId },
      }),
    );
    return (out.Items ?? []).map(toFeedback);
  }
}

/** The record without its index attributes. */
function toFeedback(item: Record<string, unknown>): FeedbackRecord {
  const { feedbackBucket: _bucket, feedbackOrder: _order, ...record } = item;
  return record as unknown as FeedbackRecord;
}
