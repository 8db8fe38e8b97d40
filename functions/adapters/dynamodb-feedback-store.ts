import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { FeedbackStore, Page, PageRequest } from '../core/ports.js';
import type { FeedbackRecord } from '../core/records.js';
import { documentClient, putIfAbsent } from './dynamodb-document.js';

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

  async record(item: FeedbackRecord): Promise<boolean> {
    return putIfAbsent(this.doc, this.tableName, { ...item }, 'feedbackKey');
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
    return { items: (out.Items ?? []) as FeedbackRecord[], ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey as Record<string, string> } : {}) };
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
    return (out.Items ?? []) as FeedbackRecord[];
  }
}
