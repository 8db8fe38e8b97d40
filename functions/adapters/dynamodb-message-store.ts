import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AttemptUpdate, ClaimResult, FinishUpdate, MessageFeedbackStore, MessageRecord, MessageStore, NotificationUpdate } from '../core/ports.js';
import { DONE_DELIVERING, STATUS_RANK } from '../core/status.js';
import { documentClient, ifConditionHolds } from './dynamodb-document.js';

/**
 * Messages table: one item per message, keyed by `id`, with plain attribute names so the
 * item reads well in the console. `statusRank` makes "only forward" a condition
 * expression; `leaseUntil` (epoch ms) is the deliver worker's claim.
 */
export class DynamoDbMessageStore implements MessageStore, MessageFeedbackStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  async create(record: MessageRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...record, statusRank: STATUS_RANK[record.status] },
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
  }

  async get(id: string): Promise<MessageRecord | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }));
    return out.Item ? toRecord(out.Item) : undefined;
  }

  async claim(id: string, now: Date, leaseUntil: Date): Promise<ClaimResult> {
    const out = await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'SET leaseUntil = :until, attempts = if_not_exists(attempts, :zero) + :one',
          ConditionExpression: '#status = :queued AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':until': leaseUntil.getTime(), ':now': now.getTime(), ':queued': 'queued', ':zero': 0, ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (out) return { outcome: 'claimed', record: toRecord(out.Attributes!) };
    const record = await this.get(id);
    if (!record) return { outcome: 'missing' };
    return DONE_DELIVERING.has(record.status) ? { outcome: 'done', record } : { outcome: 'busy', record };
  }

  async recordAttempt(id: string, update: AttemptUpdate): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':events': update.events, ':empty': [], ':at': new Date().toISOString() };
    const sets = ['events = list_append(if_not_exists(events, :empty), :events)', 'updatedAt = :at'];
    appendRecipients(sets, values, update);
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { id },
        UpdateExpression: `SET ${sets.join(', ')} REMOVE leaseUntil`,
        ConditionExpression: 'attribute_exists(id)',
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
      }),
    );
  }

  async finish(id: string, update: FinishUpdate): Promise<boolean> {
    const values: Record<string, unknown> = {
      ':events': update.events,
      ':empty': [],
      ':at': new Date().toISOString(),
      ':status': update.status,
      ':rank': STATUS_RANK[update.status],
    };
    const sets = ['events = list_append(if_not_exists(events, :empty), :events)', 'updatedAt = :at', '#status = :status', 'statusRank = :rank'];
    appendRecipients(sets, values, update);
    for (const key of ['relayResponse', 'providerMessageId', 'failureReason'] as const) {
      if (update[key] !== undefined) {
        sets.push(`${key} = :${key}`);
        values[`:${key}`] = update[key];
      }
    }
    const moved = await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: `SET ${sets.join(', ')} REMOVE leaseUntil`,
          ConditionExpression: 'attribute_exists(id) AND statusRank < :rank',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
        }),
      ),
    );
    if (moved) return true;
    // The status is already past this one (a notification overtook the deliver worker's
    // write): keep the history, the recipients and the SES MessageId anyway.
    const kept = sets.filter((set) => !/^(#status|statusRank|failureReason) =/.test(set));
    for (const key of [':status', ':rank', ':failureReason']) delete values[key];
    await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: `SET ${kept.join(', ')} REMOVE leaseUntil`,
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeValues: values,
        }),
      ),
    );
    return false;
  }

  async idByProviderMessageId(providerMessageId: string): Promise<string | undefined> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byProviderMessageId',
        KeyConditionExpression: 'providerMessageId = :p',
        ExpressionAttributeValues: { ':p': providerMessageId },
        Limit: 1,
      }),
    );
    return out.Items?.[0]?.id as string | undefined;
  }

  async exists(id: string): Promise<boolean> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { id }, ProjectionExpression: 'id', ConsistentRead: true }));
    return out.Item !== undefined;
  }

  /**
   * Two writes, each safe to repeat: the history line is appended once per notification
   * key (kept in a string set), then the status moves forward (rank-conditional) even when
   * the line was there already, so a retry after a crash between them completes the move.
   * The status is written last: a reader who sees it also sees the history.
   */
  async applyNotification(id: string, update: NotificationUpdate): Promise<'applied' | 'duplicate' | 'missing'> {
    const at = new Date().toISOString();
    const appended = await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'SET events = list_append(if_not_exists(events, :empty), :events), updatedAt = :at ADD notificationKeys :keys',
          ConditionExpression: 'attribute_exists(id) AND NOT contains(notificationKeys, :key)',
          ExpressionAttributeValues: { ':events': update.events, ':empty': [], ':at': at, ':keys': new Set([update.key]), ':key': update.key },
        }),
      ),
    );
    if (!appended && !(await this.exists(id))) return 'missing';
    const outcome = appended ? 'applied' : 'duplicate';
    if (update.status) {
      const values: Record<string, unknown> = { ':status': update.status, ':rank': STATUS_RANK[update.status], ':at': at };
      const sets = ['#status = :status', 'statusRank = :rank', 'updatedAt = :at'];
      if (update.failureReason !== undefined) {
        sets.push('failureReason = :failureReason');
        values[':failureReason'] = update.failureReason;
      }
      await ifConditionHolds(
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { id },
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: 'attribute_exists(id) AND statusRank < :rank',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: values,
          }),
        ),
      );
    }
    return outcome;
  }
}

function appendRecipients(sets: string[], values: Record<string, unknown>, update: { accepted?: string[]; rejected?: string[] }): void {
  if (update.accepted?.length) {
    sets.push('acceptedRecipients = list_append(if_not_exists(acceptedRecipients, :empty), :accepted)');
    values[':accepted'] = update.accepted.map((r) => r.toLowerCase());
  }
  if (update.rejected?.length) {
    sets.push('rejectedRecipients = list_append(if_not_exists(rejectedRecipients, :empty), :rejected)');
    values[':rejected'] = update.rejected.map((r) => r.toLowerCase());
  }
}

const dedupe = (list: unknown): string[] => [...new Set(Array.isArray(list) ? (list as string[]) : [])];

export function toRecord(item: Record<string, unknown>): MessageRecord {
  // Bookkeeping attributes (the rank, the lease, applied notifications, the scheduler's index keys and payload) stay in the table.
  const { statusRank: _rank, leaseUntil: _lease, notificationKeys: _keys, scheduledBucket: _bucket, dueAt: _due, payload: _payload, ...rest } = item;
  const record = rest as unknown as MessageRecord;
  record.acceptedRecipients = dedupe(record.acceptedRecipients);
  record.rejectedRecipients = dedupe(record.rejectedRecipients);
  record.events ??= [];
  return record;
}
