import { type EmailQuery, type EventQuery, feedPosition, logPosition, matchesQuery, retentionExpiry } from '../../functions/core/email-log.js';
import type {
  AttemptUpdate,
  CancelResult,
  ClaimResult,
  DueMessage,
  EmailQueue,
  EnqueueFailure,
  FeedEntry,
  Finished,
  FinishUpdate,
  IdempotencyGuard,
  MessageStore,
  NotificationUpdate,
  Page,
  PageRequest,
  PayloadStore,
  QueueMessage,
  RescheduleResult,
  TakenMessage,
} from '../../functions/core/ports.js';
import type { MessageEvent, MessageRecord, QueuedEmail, StashedPayload } from '../../functions/core/records.js';
import { DONE_DELIVERING, STATUS_RANK } from '../../functions/core/status.js';
import { type WebhookEvent, webhookEventFor, webhookTypeOf } from '../../functions/core/webhook-events.js';

/** A stored message with the table's bookkeeping beside it (what DynamoDbMessageStore keeps in extra attributes). */
interface Stored {
  record: MessageRecord;
  leaseUntil?: number;
  /** In the schedule index while set. */
  dueAt?: string;
  handOffs?: number;
  /** The webhook outbox mark: set by the write that appended a webhook-worthy line. */
  emitPendingSince?: string;
  payload?: StashedPayload;
  notificationKeys: Set<string>;
}

const copy = (record: MessageRecord): MessageRecord => {
  const out = structuredClone(record);
  out.acceptedRecipients = [...new Set(out.acceptedRecipients)];
  out.rejectedRecipients = [...new Set(out.rejectedRecipients)];
  return out;
};

const lower = (list: string[] | undefined) => (list ?? []).map((r) => r.toLowerCase());

/**
 * The messages table in memory, for unit tests and benchmarks of pure logic. It passes the
 * same contract suite as DynamoDbMessageStore (test/integration/message-store-contract.test.ts).
 */
export class MemoryMessageStore implements MessageStore {
  private readonly items = new Map<string, Stored>();
  /** The pull feed: event id → where its history line is. */
  private readonly feedEntries = new Map<string, { messageId: string; historyIndex: number; position: string; type: string }>();

  constructor(private readonly options: { retentionDays?: number } = {}) {}

  async create(record: MessageRecord): Promise<void> {
    if (this.items.has(record.id)) throw new Error(`message ${record.id} exists`);
    const stored = structuredClone(record);
    if (this.options.retentionDays !== undefined) stored.expiresAt = retentionExpiry(record, this.options.retentionDays);
    this.items.set(record.id, { record: stored, notificationKeys: new Set() });
  }

  async list(query: EmailQuery, page: PageRequest): Promise<Page<MessageRecord>> {
    const before = page.after?.before;
    const matching = [...this.items.values()]
      .map((s) => s.record)
      .filter((r) => matchesQuery(r, query) && (before === undefined || logPosition(r) < before))
      .sort((a, b) => (logPosition(a) < logPosition(b) ? 1 : -1));
    const items = matching.slice(0, page.limit).map(copy);
    return { items, ...(matching.length > page.limit ? { next: { before: logPosition(items.at(-1)!) } } : {}) };
  }

  async recordFeed(entries: readonly FeedEntry[]): Promise<void> {
    for (const { record, from } of entries) {
      for (let i = from; i < record.events.length; i++) {
        const event = webhookEventFor(record, record.events[i]!, i);
        if (event)
          this.feedEntries.set(event.id, { messageId: record.id, historyIndex: i, position: feedPosition(event.createdAt, event.id), type: event.type });
      }
    }
  }

  async feed(query: EventQuery, page: PageRequest): Promise<Page<WebhookEvent>> {
    const after = page.after?.after;
    const entries = [...this.feedEntries.values()]
      .filter((e) => (query.since === undefined || e.position >= query.since) && (query.type === undefined || e.type === query.type))
      .filter((e) => after === undefined || e.position > after)
      .sort((a, b) => (a.position < b.position ? -1 : 1));
    const taken = entries.slice(0, page.limit);
    const items = taken.flatMap((e) => {
      const record = this.items.get(e.messageId)?.record;
      const event = record && webhookEventFor(record, record.events[e.historyIndex]!, e.historyIndex);
      return event ? [structuredClone(event)] : [];
    });
    return { items, ...(entries.length > page.limit ? { next: { after: taken.at(-1)!.position } } : {}) };
  }

  async createScheduled(record: MessageRecord, payload: StashedPayload): Promise<void> {
    await this.create(record);
    Object.assign(this.items.get(record.id)!, { dueAt: record.scheduledAt, payload: structuredClone(payload) });
  }

  async get(id: string): Promise<MessageRecord | undefined> {
    const stored = this.items.get(id);
    return stored ? copy(stored.record) : undefined;
  }

  async claim(id: string, now: Date, leaseUntil: Date): Promise<ClaimResult> {
    const stored = this.items.get(id);
    if (!stored) return { outcome: 'missing' };
    const r = stored.record;
    if (r.status === 'queued' && (stored.leaseUntil === undefined || stored.leaseUntil < now.getTime())) {
      stored.leaseUntil = leaseUntil.getTime();
      r.attempts++;
      return { outcome: 'claimed', record: copy(r) };
    }
    return DONE_DELIVERING.has(r.status) ? { outcome: 'done', record: copy(r) } : { outcome: 'busy', record: copy(r) };
  }

  async recordAttempt(id: string, update: AttemptUpdate): Promise<MessageRecord> {
    const stored = this.items.get(id);
    if (!stored) throw new Error(`no message ${id}`);
    this.append(stored, update);
    return copy(stored.record);
  }

  async finish(id: string, update: FinishUpdate): Promise<Finished> {
    const stored = this.items.get(id);
    if (!stored) return { moved: false, record: undefined };
    this.append(stored, update);
    const r = stored.record;
    for (const key of ['relayResponse', 'providerMessageId'] as const) if (update[key] !== undefined) r[key] = update[key];
    // Like the table: history, recipients and provider id are kept even when the status is already past this one.
    if (STATUS_RANK[r.status] >= STATUS_RANK[update.status]) return { moved: false, record: copy(r) };
    r.status = update.status;
    if (update.failure) Object.assign(r, { failureReason: update.failure.reason, failureKind: update.failure.kind });
    return { moved: true, record: copy(r) };
  }

  async due(horizon: Date, limit: number): Promise<DueMessage[]> {
    return [...this.items.values()]
      .filter((s) => s.dueAt !== undefined && s.dueAt <= horizon.toISOString())
      .map((s) => ({ id: s.record.id, dueAt: s.dueAt! }))
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
      .slice(0, limit);
  }

  async take(message: DueMessage, at: Date, retryAt: Date): Promise<TakenMessage | undefined> {
    const stored = this.items.get(message.id);
    if (!stored || stored.dueAt !== message.dueAt) return undefined;
    const r = stored.record;
    if (!(r.status === 'scheduled' || (r.status === 'queued' && r.attempts === 0))) {
      // A worker has it already: the schedule entry is stale.
      this.leaveSchedule(stored);
      return undefined;
    }
    const when = at.toISOString();
    r.status = 'queued';
    r.updatedAt = when;
    stored.handOffs = (stored.handOffs ?? 0) + 1;
    stored.dueAt = retryAt.toISOString();
    return { id: r.id, scheduledAt: r.scheduledAt!, payload: structuredClone(stored.payload!), handOffs: stored.handOffs };
  }

  async enqueued(id: string, retryAt: Date, event?: MessageEvent): Promise<void> {
    const stored = this.items.get(id);
    if (stored?.dueAt !== retryAt.toISOString()) return;
    if (event) stored.record.events.push(structuredClone(event));
    this.leaveSchedule(stored);
  }

  async cancel(id: string, at: Date): Promise<CancelResult> {
    const stored = this.items.get(id);
    if (!stored) return { outcome: 'missing' };
    const r = stored.record;
    if (r.attempts === 0 && (r.status === 'scheduled' || r.status === 'queued')) {
      const when = at.toISOString();
      r.status = 'canceled';
      r.updatedAt = when;
      r.events.push({ type: 'canceled', at: when });
      this.markPending(stored, r.events.slice(-1));
      this.leaveSchedule(stored);
      delete stored.leaseUntil;
      return { outcome: 'canceled', record: copy(r) };
    }
    return r.status === 'canceled' ? { outcome: 'already_canceled', record: copy(r) } : { outcome: 'too_late', record: copy(r) };
  }

  async reschedule(id: string, scheduledAt: Date, event: MessageEvent): Promise<RescheduleResult> {
    const stored = this.items.get(id);
    if (!stored) return { outcome: 'missing' };
    const r = stored.record;
    if (r.status !== 'scheduled' || stored.dueAt === undefined) return { outcome: 'not_scheduled', record: copy(r) };
    r.scheduledAt = scheduledAt.toISOString();
    stored.dueAt = r.scheduledAt;
    r.updatedAt = event.at;
    r.events.push(structuredClone(event));
    return { outcome: 'rescheduled', record: copy(r) };
  }

  async requeueExhausted(id: string, at: Date): Promise<boolean> {
    const stored = this.items.get(id);
    const r = stored?.record;
    if (!stored || r?.status !== 'failed' || r.failureKind !== 'retries_exhausted') return false;
    const when = at.toISOString();
    r.status = 'queued';
    r.updatedAt = when;
    r.events.push({ type: 'requeued', at: when, detail: 'redriven from the dead-letter queue' });
    delete r.failureReason;
    delete r.failureKind;
    delete stored.leaseUntil;
    return true;
  }

  async idByProviderMessageId(providerMessageId: string): Promise<string | undefined> {
    return [...this.items.values()].find((s) => s.record.providerMessageId === providerMessageId)?.record.id;
  }

  async exists(id: string): Promise<boolean> {
    return this.items.has(id);
  }

  async applyNotification(id: string, update: NotificationUpdate): Promise<'applied' | 'duplicate' | 'missing'> {
    const stored = this.items.get(id);
    if (!stored) return 'missing';
    const r = stored.record;
    const duplicate = stored.notificationKeys.has(update.key);
    if (!duplicate) {
      stored.notificationKeys.add(update.key);
      r.events.push(...structuredClone(update.events));
      r.updatedAt = new Date().toISOString();
      this.markPending(stored, update.events);
    }
    if (update.status && STATUS_RANK[r.status] < STATUS_RANK[update.status]) {
      r.status = update.status;
      if (update.failure) Object.assign(r, { failureReason: update.failure.reason, failureKind: update.failure.kind });
    }
    return duplicate ? 'duplicate' : 'applied';
  }

  async pendingEmission(before: Date, limit: number): Promise<string[]> {
    return [...this.items.values()]
      .filter((s) => s.emitPendingSince !== undefined && s.emitPendingSince < before.toISOString())
      .map((s) => s.record.id)
      .slice(0, limit);
  }

  async markEmitted(id: string, count: number): Promise<void> {
    const stored = this.items.get(id);
    if (!stored) return;
    const r = stored.record;
    if (r.eventsEmitted !== undefined && r.eventsEmitted > count) return;
    r.eventsEmitted = count;
    if (r.events.length === count) delete stored.emitPendingSince;
  }

  private markPending(stored: Stored, events: readonly MessageEvent[]): void {
    if (events.some((e) => webhookTypeOf(e) !== undefined)) stored.emitPendingSince ??= new Date().toISOString();
  }

  private append(stored: Stored, update: AttemptUpdate): void {
    const r = stored.record;
    this.markPending(stored, update.events);
    r.events.push(...structuredClone(update.events));
    r.acceptedRecipients.push(...lower(update.accepted));
    r.rejectedRecipients.push(...lower(update.rejected));
    r.updatedAt = new Date().toISOString();
    delete stored.leaseUntil;
  }

  private leaveSchedule(stored: Stored): void {
    delete stored.dueAt;
    delete stored.payload;
  }
}

/** The send queue in memory: it keeps the bodies it is given, as SQS does. */
export class MemoryQueue implements EmailQueue {
  readonly sent: QueueMessage[] = [];
  /** Ids `enqueue` and `enqueueBatch` refuse. */
  refuse = new Set<string>();

  async enqueue(message: QueueMessage): Promise<void> {
    if (this.refuse.has(message.id)) throw new Error(`queue refused ${message.id}`);
    this.sent.push({ ...message });
  }

  async enqueueBatch(messages: QueueMessage[]): Promise<{ failed: EnqueueFailure[] }> {
    const failed = messages.filter((m) => this.refuse.has(m.id)).map((m) => ({ id: m.id, reason: 'refused' }));
    this.sent.push(...messages.filter((m) => !this.refuse.has(m.id)).map((m) => ({ ...m })));
    return { failed };
  }

  async delayRetry(): Promise<void> {}

  /** The inline messages sent so far (a test that needs claim tickets reads `sent`). */
  get messages(): QueuedEmail[] {
    return this.sent.map((m) => JSON.parse(m.body) as QueuedEmail);
  }
}

/** The payload store (S3) in memory: what a claim ticket names. */
export class MemoryPayloadStore implements PayloadStore {
  readonly objects = new Map<string, string>();
  async put(key: string, body: string): Promise<void> {
    this.objects.set(key, body);
  }
  async get(key: string): Promise<string | undefined> {
    return this.objects.get(key);
  }
  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }
}

export const passThroughIdempotency: IdempotencyGuard = { run: (_key, _fingerprint, work) => work() };

/** A port a test never reaches: any call fails loudly instead of passing silently. */
export function unreachable<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get: (_target, property) => () => {
      throw new Error(`${name}.${String(property)} was not expected to be called`);
    },
  });
}
