import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type EmailQuery, type EventQuery, retentionExpiry } from '../core/email-log.js';
import type {
  AttemptUpdate,
  CancelResult,
  ClaimResult,
  DueMessage,
  Failure,
  FeedEntry,
  Finished,
  FinishUpdate,
  MessageStore,
  NotificationUpdate,
  Page,
  PageRequest,
  RescheduleResult,
  TakenMessage,
} from '../core/ports.js';
import type { FailureKind, MessageEvent, MessageRecord, StashedPayload } from '../core/records.js';
import { DONE_DELIVERING, type MessageStatus, STATUS_RANK } from '../core/status.js';
import { type WebhookEvent, webhookTypeOf } from '../core/webhook-events.js';
import { documentClient, ifConditionHolds } from './dynamodb-document.js';
import { EmailLogIndex, isMessage, messageIndexItems, searchItems } from './dynamodb-email-log.js';
import { allShards, shardKey } from './dynamodb-sharded-index.js';
import { EMISSION_INDEX, SCHEDULE_INDEX } from './tables.js';

/** The partition of the schedule index a message lives in: a stable hash of its id. */
export const scheduleBucket = (id: string): string => shardKey('due', id);

/** The message's entry in the byStatus index: it moves with every status write. */
const statusBucket = (status: MessageStatus, id: string): string => shardKey(status, id);

export interface MessageStoreOptions {
  /** Days a message and its index items are kept (DynamoDB TTL); without it they are kept for ever. */
  retentionDays?: number;
}

/**
 * The messages table: one item per message, keyed by `id`, with plain attribute names so
 * the item reads well in the console. `statusRank` makes "only forward" a condition
 * expression; `leaseUntil` (epoch ms) is the deliver worker's claim. A scheduled item also
 * carries `scheduledBucket` + `dueAt` (the sparse byDue index) and its request in
 * `payload`; all three go once the message is on the queue. Every move is one conditional
 * write, so concurrent workers, sweeps, cancels and notifications each see one winner.
 */
export class DynamoDbMessageStore implements MessageStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly log: EmailLogIndex;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    private readonly options: MessageStoreOptions = {},
  ) {
    this.doc = documentClient(client);
    this.log = new EmailLogIndex(this.doc, tableName, (item) => toRecord(item));
  }

  /**
   * The search items go first: a message is never in the table without them. One left
   * behind by a write that failed after them points at nothing, and listings skip it.
   */
  async create(record: MessageRecord): Promise<void> {
    await this.put(record, {});
  }

  async get(id: string): Promise<MessageRecord | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }));
    return out.Item && isMessage(out.Item) ? toRecord(out.Item) : undefined;
  }

  private async put(record: MessageRecord, extra: Record<string, unknown>): Promise<void> {
    const { message, search } = newMessageItems(record, this.options);
    await this.log.write(search);
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...message, ...extra }, ConditionExpression: 'attribute_not_exists(id)' }));
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

  async recordAttempt(id: string, update: AttemptUpdate): Promise<MessageRecord> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':events': update.events, ':empty': [], ':at': new Date().toISOString() };
    const sets = ['events = list_append(if_not_exists(events, :empty), :events)', 'updatedAt = :at'];
    appendRecipients(sets, values, update);
    markPending(sets, values, id, update.events);
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { id },
        UpdateExpression: `SET ${sets.join(', ')} REMOVE leaseUntil`,
        ConditionExpression: 'attribute_exists(id)',
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toRecord(out.Attributes!);
  }

  async finish(id: string, update: FinishUpdate): Promise<Finished> {
    const values: Record<string, unknown> = {
      ':events': update.events,
      ':empty': [],
      ':at': new Date().toISOString(),
      ':status': update.status,
      ':rank': STATUS_RANK[update.status],
      ':statusBucket': statusBucket(update.status, id),
    };
    const sets = [
      'events = list_append(if_not_exists(events, :empty), :events)',
      'updatedAt = :at',
      '#status = :status',
      'statusRank = :rank',
      'statusBucket = :statusBucket',
    ];
    appendRecipients(sets, values, update);
    markPending(sets, values, id, update.events);
    for (const key of ['relayResponse', 'providerMessageId'] as const) {
      if (update[key] !== undefined) {
        sets.push(`${key} = :${key}`);
        values[`:${key}`] = update[key];
      }
    }
    setFailure(sets, values, update.failure);
    const moved = await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: `SET ${sets.join(', ')} REMOVE leaseUntil`,
          ConditionExpression: 'attribute_exists(id) AND statusRank < :rank',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (moved) return { moved: true, record: toRecord(moved.Attributes!) };
    // The status is already past this one (a notification overtook the deliver worker's
    // write): keep the history, the recipients and the SES MessageId anyway.
    const keptSets = sets.filter((set) => !/^(#status|statusRank|statusBucket|failureReason|failureKind) =/.test(set));
    for (const key of [':status', ':rank', ':statusBucket', ':failureReason', ':failureKind']) delete values[key];
    const kept = await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: `SET ${keptSets.join(', ')} REMOVE leaseUntil`,
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return { moved: false, record: kept ? toRecord(kept.Attributes!) : undefined };
  }

  async createScheduled(record: MessageRecord, payload: StashedPayload): Promise<void> {
    await this.put(record, { scheduledBucket: scheduleBucket(record.id), dueAt: record.scheduledAt, payload });
  }

  async due(horizon: Date, limit: number): Promise<DueMessage[]> {
    const buckets = allShards('due');
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
          // The `queued` history line is written when the queue has it (enqueued), not per take:
          // a message the queue refuses sweep after sweep does not grow its history.
          UpdateExpression: 'SET #status = :queued, statusRank = :rank, statusBucket = :statusBucket, dueAt = :retry, updatedAt = :at ADD handOffs :one',
          // Scheduled, or queued by a sweep that never confirmed the enqueue (and no worker has it).
          ConditionExpression: 'attribute_exists(scheduledBucket) AND dueAt = :seen AND (#status = :scheduled OR (#status = :queued AND attempts = :zero))',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':queued': 'queued',
            ':scheduled': 'scheduled',
            ':rank': STATUS_RANK.queued,
            ':statusBucket': statusBucket('queued', message.id),
            ':retry': retryAt.toISOString(),
            ':seen': message.dueAt,
            ':zero': 0,
            ':one': 1,
            ':at': when,
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (out) {
      const item = out.Attributes!;
      return { id: message.id, scheduledAt: String(item.scheduledAt), payload: item.payload as StashedPayload, handOffs: Number(item.handOffs ?? 1) };
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

  async enqueued(id: string, retryAt: Date, event?: MessageEvent): Promise<void> {
    // A false condition means canceled meanwhile (the cancel removed the keys itself): nothing left to do.
    await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: `${event ? 'SET events = list_append(if_not_exists(events, :empty), :events) ' : ''}REMOVE scheduledBucket, dueAt, payload`,
          ConditionExpression: 'dueAt = :retry',
          ExpressionAttributeValues: { ':retry': retryAt.toISOString(), ...(event ? { ':empty': [], ':events': [event] } : {}) },
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
          UpdateExpression: `SET #status = :canceled, statusRank = :rank, statusBucket = :statusBucket, updatedAt = :at, events = list_append(if_not_exists(events, :empty), :events), ${PENDING_SETS} REMOVE scheduledBucket, dueAt, payload, leaseUntil`,
          ConditionExpression: 'attribute_exists(id) AND attempts = :zero AND #status IN (:scheduled, :queued)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':canceled': 'canceled',
            ':rank': STATUS_RANK.canceled,
            ':statusBucket': statusBucket('canceled', id),
            ':scheduled': 'scheduled',
            ':queued': 'queued',
            ':zero': 0,
            ':at': when,
            ':empty': [],
            ':events': [{ type: 'canceled', at: when }],
            ':emitBucket': emitBucket(id),
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

  async reschedule(id: string, scheduledAt: Date, event: MessageEvent): Promise<RescheduleResult> {
    const due = scheduledAt.toISOString();
    const moved = await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          // Still in the schedule and not taken by a sweep (a take moves the status to queued).
          UpdateExpression: 'SET scheduledAt = :due, dueAt = :due, updatedAt = :at, events = list_append(if_not_exists(events, :empty), :events)',
          ConditionExpression: '#status = :scheduled AND attribute_exists(scheduledBucket)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':due': due, ':at': event.at, ':empty': [], ':events': [event], ':scheduled': 'scheduled' },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (moved) return { outcome: 'rescheduled', record: toRecord(moved.Attributes!) };
    const record = await this.get(id);
    return record ? { outcome: 'not_scheduled', record } : { outcome: 'missing' };
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
            'SET #status = :queued, statusRank = :rank, statusBucket = :statusBucket, updatedAt = :at, events = list_append(if_not_exists(events, :empty), :events) REMOVE failureReason, failureKind, leaseUntil',
          // Records written before failureKind existed are not revived; nothing was deployed then.
          ConditionExpression: '#status = :failed AND failureKind = :exhausted',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':queued': 'queued',
            ':failed': 'failed',
            ':rank': STATUS_RANK.queued,
            ':statusBucket': statusBucket('queued', id),
            ':exhausted': 'retries_exhausted' satisfies FailureKind,
            ':at': when,
            ':empty': [],
            ':events': [{ type: 'requeued', at: when, detail: 'redriven from the dead-letter queue' }],
          },
        }),
      ),
    );
    return requeued !== undefined;
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
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { id },
        ProjectionExpression: 'id, #status',
        ExpressionAttributeNames: { '#status': 'status' },
        ConsistentRead: true,
      }),
    );
    return out.Item !== undefined && isMessage(out.Item);
  }

  /**
   * Two writes, each safe to repeat: the history line is appended once per notification
   * key (kept in a string set), then the status moves forward (rank-conditional) even when
   * the line was there already, so a retry after a crash between them completes the move.
   * The status is written last: a reader who sees it also sees the history.
   */
  async applyNotification(id: string, update: NotificationUpdate): Promise<'applied' | 'duplicate' | 'missing'> {
    const at = new Date().toISOString();
    const sets = ['events = list_append(if_not_exists(events, :empty), :events)', 'updatedAt = :at'];
    const values: Record<string, unknown> = { ':events': update.events, ':empty': [], ':at': at, ':keys': new Set([update.key]), ':key': update.key };
    markPending(sets, values, id, update.events);
    const appended = await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: `SET ${sets.join(', ')} ADD notificationKeys :keys`,
          ConditionExpression: 'attribute_exists(id) AND NOT contains(notificationKeys, :key)',
          ExpressionAttributeValues: values,
        }),
      ),
    );
    if (!appended && !(await this.exists(id))) return 'missing';
    const outcome = appended ? 'applied' : 'duplicate';
    if (update.status) {
      const values: Record<string, unknown> = {
        ':status': update.status,
        ':rank': STATUS_RANK[update.status],
        ':statusBucket': statusBucket(update.status, id),
        ':at': at,
      };
      const sets = ['#status = :status', 'statusRank = :rank', 'statusBucket = :statusBucket', 'updatedAt = :at'];
      setFailure(sets, values, update.failure);
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

  // The webhook outbox
  async pendingEmission(before: Date, limit: number): Promise<string[]> {
    const buckets = allShards('emit');
    const pages = await Promise.all(
      buckets.map((bucket) =>
        this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: EMISSION_INDEX,
            KeyConditionExpression: 'emitBucket = :bucket AND emitPendingSince < :before',
            ExpressionAttributeValues: { ':bucket': bucket, ':before': before.toISOString() },
            Limit: limit,
          }),
        ),
      ),
    );
    return pages.flatMap((page) => (page.Items ?? []).map((item) => String(item.id))).slice(0, limit);
  }

  async markEmitted(id: string, count: number): Promise<void> {
    // Caught up: the mark goes, unless a line was appended since the caller read the history.
    const cleared = await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'SET eventsEmitted = :n REMOVE emitBucket, emitPendingSince',
          ConditionExpression: 'attribute_exists(id) AND size(events) = :n AND (attribute_not_exists(eventsEmitted) OR eventsEmitted <= :n)',
          ExpressionAttributeValues: { ':n': count },
        }),
      ),
    );
    if (cleared) return;
    // More lines arrived: keep the mark (their writer, or the sweep, emits them), move the position only forward.
    await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'SET eventsEmitted = :n',
          ConditionExpression: 'attribute_exists(id) AND (attribute_not_exists(eventsEmitted) OR eventsEmitted < :n)',
          ExpressionAttributeValues: { ':n': count },
        }),
      ),
    );
  }

  // The email log and the event feed (dynamodb-email-log.ts)
  list(query: EmailQuery, page: PageRequest): Promise<Page<MessageRecord>> {
    return this.log.list(query, page);
  }

  recordFeed(entries: readonly FeedEntry[]): Promise<void> {
    return this.log.recordFeed(entries);
  }

  feed(query: EventQuery, page: PageRequest): Promise<Page<WebhookEvent>> {
    return this.log.feed(query, page);
  }
}

/** What a new message writes: its item (with the bookkeeping and index attributes) and its search items. */
export function newMessageItems(
  record: MessageRecord,
  options: MessageStoreOptions = {},
): { message: Record<string, unknown>; search: Record<string, unknown>[] } {
  const stored = options.retentionDays === undefined ? record : { ...record, expiresAt: retentionExpiry(record, options.retentionDays) };
  return {
    message: { ...stored, statusRank: STATUS_RANK[record.status], statusBucket: statusBucket(record.status, record.id), ...messageIndexItems(stored) },
    search: searchItems(stored),
  };
}

const PENDING_SETS = 'emitBucket = if_not_exists(emitBucket, :emitBucket), emitPendingSince = if_not_exists(emitPendingSince, :at)';

/** `emit#0` … `emit#7`: the outbox index spread over a few partitions, as the schedule's is. */
export const emitBucket = (id: string): string => shardKey('emit', id);

/**
 * Marks the message as having history lines the webhook queue has not been given yet, when
 * `events` holds any (bookkeeping lines such as retries do not): the write that changes the
 * state and the outbox mark are one write, so no process can die between them.
 */
function markPending(sets: string[], values: Record<string, unknown>, id: string, events: readonly MessageEvent[]): void {
  if (!events.some((e) => webhookTypeOf(e) !== undefined)) return;
  sets.push(PENDING_SETS);
  values[':emitBucket'] = emitBucket(id);
}

/** failureKind and failureReason, always written together. */
function setFailure(sets: string[], values: Record<string, unknown>, failure: Failure | undefined): void {
  if (!failure) return;
  sets.push('failureReason = :failureReason', 'failureKind = :failureKind');
  values[':failureReason'] = failure.reason;
  values[':failureKind'] = failure.kind;
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

function toRecord(item: Record<string, unknown>): MessageRecord {
  // Bookkeeping attributes (the rank, the lease, applied notifications, the scheduler's index keys and payload) stay in the table.
  const {
    statusRank: _rank,
    leaseUntil: _lease,
    notificationKeys: _keys,
    scheduledBucket: _bucket,
    dueAt: _due,
    payload: _payload,
    emitBucket: _emitBucket,
    emitPendingSince: _emitSince,
    statusBucket: _statusBucket,
    logBucket: _logBucket,
    logKey: _logKey,
    ...rest
  } = item;
  const record = rest as unknown as MessageRecord;
  record.acceptedRecipients = dedupe(record.acceptedRecipients);
  record.rejectedRecipients = dedupe(record.rejectedRecipients);
  record.events ??= [];
  return record;
}
