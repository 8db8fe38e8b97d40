import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MessageRecord } from '../core/ports.js';
import type { CancelResult, DueMessage, MessageControl, ScheduleStore, StashedPayload, TakenMessage } from '../core/schedule-ports.js';
import { STATUS_RANK } from '../core/status.js';
import { documentClient, ifConditionHolds } from './dynamodb-document.js';
import { toRecord } from './dynamodb-message-store.js';
import { SCHEDULE_BUCKETS, SCHEDULE_INDEX } from './tables.js';

/** The partition of the schedule index a message lives in: a stable hash of its id. */
export function scheduleBucket(id: string): string {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `due#${hash % SCHEDULE_BUCKETS}`;
}

/**
 * Scheduled sends and the lifecycle's backward moves (cancel, redrive) on the messages
 * table. A scheduled item carries `scheduledBucket` + `dueAt` (the sparse byDue index) and
 * its request in `payload`; all three go once the message is on the queue. Every move is
 * one conditional write, so concurrent sweeps, cancels and workers each see one winner.
 */
export class DynamoDbScheduleStore implements ScheduleStore, MessageControl {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  async createScheduled(record: MessageRecord, payload: StashedPayload): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...record, statusRank: STATUS_RANK[record.status], scheduledBucket: scheduleBucket(record.id), dueAt: record.scheduledAt, payload },
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
  }

  async due(horizon: Date, limit: number): Promise<DueMessage[]> {
    const buckets = Array.from({ length: SCHEDULE_BUCKETS }, (_, i) => `due#${i}`);
    const pages = await Promise.all(
      buckets.map((bucket) =>
        this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: SCHEDULE_INDEX,
            KeyConditionExpression: 'scheduledBucket = :bucket AND dueAt <= :horizon',
            ExpressionAttributeValues: { ':bucket': bucket, ':horizon': horizon.toISOString() },
            Limit: limit,
          }),
        ),
      ),
    );
    return pages
      .flatMap((page) => (page.Items ?? []).map((item) => ({ id: String(item.id), dueAt: String(item.dueAt) })))
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
      .slice(0, limit);
  }

  async take(message: DueMessage, at: Date, retryAt: Date): Promise<TakenMessage | undefined> {
    const when = at.toISOString();
    const out = await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id: message.id },
          UpdateExpression:
            'SET #status = :queued, statusRank = :rank, dueAt = :retry, updatedAt = :at, events = list_append(if_not_exists(events, :empty), :events)',
          // Scheduled, or queued by a sweep that never confirmed the enqueue (and no worker has it).
          ConditionExpression: 'attribute_exists(scheduledBucket) AND dueAt = :seen AND (#status = :scheduled OR (#status = :queued AND attempts = :zero))',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':queued': 'queued',
            ':scheduled': 'scheduled',
            ':rank': STATUS_RANK.queued,
            ':retry': retryAt.toISOString(),
            ':seen': message.dueAt,
            ':zero': 0,
            ':at': when,
            ':empty': [],
            ':events': [{ type: 'queued', at: when, detail: 'due: handed to the queue' }],
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (out) {
      const item = out.Attributes!;
      return { id: message.id, scheduledAt: String(item.scheduledAt), payload: item.payload as StashedPayload };
    }
    // Lost to another sweep or a cancel, or a worker already has it: in the last case the
    // index entry is stale (its enqueue was never confirmed) and is dropped here.
    await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id: message.id },
          UpdateExpression: 'REMOVE scheduledBucket, dueAt, payload',
          ConditionExpression: 'dueAt = :seen AND NOT (#status = :scheduled OR (#status = :queued AND attempts = :zero))',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':seen': message.dueAt, ':scheduled': 'scheduled', ':queued': 'queued', ':zero': 0 },
        }),
      ),
    );
    return undefined;
  }

  async enqueued(id: string, retryAt: Date): Promise<void> {
    // A false condition means canceled meanwhile (the cancel removed the keys itself): nothing left to do.
    await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'REMOVE scheduledBucket, dueAt, payload',
          ConditionExpression: 'dueAt = :retry',
          ExpressionAttributeValues: { ':retry': retryAt.toISOString() },
        }),
      ),
    );
  }

  async cancel(id: string, at: Date): Promise<CancelResult> {
    const when = at.toISOString();
    const canceled = await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression:
            'SET #status = :canceled, statusRank = :rank, updatedAt = :at, events = list_append(if_not_exists(events, :empty), :events) REMOVE scheduledBucket, dueAt, payload, leaseUntil',
          ConditionExpression: 'attribute_exists(id) AND attempts = :zero AND #status IN (:scheduled, :queued)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':canceled': 'canceled',
            ':rank': STATUS_RANK.canceled,
            ':scheduled': 'scheduled',
            ':queued': 'queued',
            ':zero': 0,
            ':at': when,
            ':empty': [],
            ':events': [{ type: 'canceled', at: when }],
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (canceled) return { outcome: 'canceled', record: toRecord(canceled.Attributes!) };
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }));
    if (!out.Item) return { outcome: 'missing' };
    const record = toRecord(out.Item);
    return record.status === 'canceled' ? { outcome: 'already_canceled', record } : { outcome: 'too_late', record };
  }

  async requeueExhausted(id: string, at: Date): Promise<boolean> {
    const when = at.toISOString();
    const requeued = await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          // The one move backwards in the lifecycle: an operator's redrive after an outage.
          UpdateExpression:
            'SET #status = :queued, statusRank = :rank, updatedAt = :at, events = list_append(if_not_exists(events, :empty), :events) REMOVE failureReason, leaseUntil',
          ConditionExpression: '#status = :failed AND begins_with(failureReason, :exhausted)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':queued': 'queued',
            ':failed': 'failed',
            ':rank': STATUS_RANK.queued,
            ':exhausted': 'retries exhausted',
            ':at': when,
            ':empty': [],
            ':events': [{ type: 'requeued', at: when, detail: 'redriven from the dead-letter queue' }],
          },
        }),
      ),
    );
    return requeued !== undefined;
  }
}
