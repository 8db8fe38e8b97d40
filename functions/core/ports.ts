/**
 * Every port: what the domain needs from the outside world, grouped by outside system.
 * Adapters in functions/adapters implement these (one adapter per system); core never
 * imports an adapter or an SDK. Use cases ask for the narrowest view they need
 * (`Pick<MessageStore, …>`), so a test fake implements only that. Logging and metrics, the
 * two observability ports, are in log.ts and metrics.ts.
 */

import type { TransportFailure } from './delivery-outcome.js';
import type { EmailQuery, EventQuery } from './email-log.js';
import type { BuiltMessage } from './mime.js';
import type {
  ApiKeyRecord,
  FailureKind,
  FeedbackRecord,
  MessageEvent,
  MessageRecord,
  StashedPayload,
  Suppression,
  TemplateContent,
  TemplateRecord,
  TemplateSummary,
} from './records.js';
import type { MessageStatus } from './status.js';
import type { WebhookEvent } from './webhook-events.js';

// ─── Paging (every table listing) ──────────────────────────────────────────────────────

/** One page of a listing; `next` is the store's position after it, absent on the last page. */
export interface Page<T> {
  items: T[];
  next?: Record<string, string>;
}

export interface PageRequest {
  limit: number;
  /** The `next` of the previous page. */
  after?: Record<string, string>;
}

// ─── Messages table (DynamoDB) ─────────────────────────────────────────────────────────

export type ClaimResult =
  | { outcome: 'claimed'; record: MessageRecord }
  /** Already sent or otherwise finished: a redelivered queue message is dropped. */
  | { outcome: 'done'; record: MessageRecord }
  /** Another worker holds the delivery lease (a queue message seen twice at once). */
  | { outcome: 'busy'; record: MessageRecord }
  | { outcome: 'missing' };

/** Why a message ends failed or suppressed: stored as `failureKind` and `failureReason`. */
export interface Failure {
  kind: FailureKind;
  reason: string;
}

export interface AttemptUpdate {
  events: MessageEvent[];
  accepted?: string[];
  rejected?: string[];
}

export interface FinishUpdate extends AttemptUpdate {
  status: MessageStatus;
  relayResponse?: string;
  providerMessageId?: string;
  failure?: Failure;
}

/** A notification's effect on a message record. */
export interface NotificationUpdate {
  /** Identifies the notification: applied twice, its events are appended once. */
  key: string;
  /** Where the status moves (forward only). */
  status?: MessageStatus;
  failure?: Failure;
  events: MessageEvent[];
}

export interface DueMessage {
  id: string;
  dueAt: string;
}

export interface TakenMessage {
  id: string;
  /** When the message is due (its scheduledAt). */
  scheduledAt: string;
  payload: StashedPayload;
  /** How many sweeps have taken it, this one included: a message the queue keeps refusing is given up. */
  handOffs: number;
}

export interface Finished {
  moved: boolean;
  record: MessageRecord | undefined;
}

export type CancelResult =
  | { outcome: 'canceled'; record: MessageRecord }
  /** Canceled earlier: a repeated DELETE answers the same. */
  | { outcome: 'already_canceled'; record: MessageRecord }
  /** Already handed to delivery (or finished). */
  | { outcome: 'too_late'; record: MessageRecord }
  | { outcome: 'missing' };

export type RescheduleResult =
  | { outcome: 'rescheduled'; record: MessageRecord }
  /** Not waiting in the schedule (sent now, already handed to the queue, canceled, finished). */
  | { outcome: 'not_scheduled'; record: MessageRecord }
  | { outcome: 'missing' };

/** One message's history lines for the pull feed: those from position `from` on. */
export interface FeedEntry {
  record: MessageRecord;
  from: number;
}

/**
 * The messages table: one record per message, and every move of its lifecycle. Status
 * moves are conditional writes, so concurrent workers, sweeps, cancels and notifications
 * each see one winner.
 */
export interface MessageStore {
  // Accepting
  /** Writes a new record; fails if the id exists. */
  create(record: MessageRecord): Promise<void>;
  /** Writes a new `scheduled` record holding its payload; fails if the id exists. */
  createScheduled(record: MessageRecord, payload: StashedPayload): Promise<void>;
  get(id: string): Promise<MessageRecord | undefined>;

  // Delivering
  /**
   * Takes the delivery lease of a queued message until `leaseUntil`: at most one worker
   * talks to the relay about a message at a time, and a crashed worker's lease runs out.
   */
  claim(id: string, now: Date, leaseUntil: Date): Promise<ClaimResult>;
  /** Records a partial or failed attempt and gives the lease back; returns the record as the write left it. */
  recordAttempt(id: string, update: AttemptUpdate): Promise<MessageRecord>;
  /**
   * Moves the status forward (never back) and releases the lease. `moved` is false if the
   * status was already past it; the history, recipients and provider id are kept anyway.
   * `record` is the record as the write left it (undefined when there is none), so the
   * outbox tells what was appended without reading it back.
   */
  finish(id: string, update: FinishUpdate): Promise<Finished>;

  // Scheduling
  /** Messages waiting in the schedule whose turn comes at or before `horizon`. */
  due(horizon: Date, limit: number): Promise<DueMessage[]>;
  /**
   * Takes a due message for enqueueing: scheduled → queued, on the condition that nobody
   * else took or canceled it since `due()` read it. Until `enqueued()` the message stays
   * in the schedule with `retryAt` as its turn, so a sweep that dies before enqueueing is
   * taken over after `retryAt`. Undefined when another sweep or a cancel won.
   */
  take(message: DueMessage, at: Date, retryAt: Date): Promise<TakenMessage | undefined>;
  /**
   * The message leaves the schedule and drops its payload: the queue has it (`event` is its
   * `queued` history line), or it was closed as failed.
   */
  enqueued(id: string, retryAt: Date, event?: MessageEvent): Promise<void>;

  /**
   * Moves a message still waiting in the schedule to a new due time (`event` is its history
   * line), on the condition that no sweep has taken it: a reschedule racing the scheduler
   * has one winner, as a cancel does.
   */
  reschedule(id: string, scheduledAt: Date, event: MessageEvent): Promise<RescheduleResult>;

  // The webhook outbox
  /** Messages with history lines not yet handed to the webhook queue, marked before `before`. */
  pendingEmission(before: Date, limit: number): Promise<string[]>;
  /** The first `count` history lines are on the webhook queue; the mark goes once nothing is left. */
  markEmitted(id: string, count: number): Promise<void>;

  // The email log and the event feed
  /**
   * One page of messages matching `query`, newest first (by creation time, then id). A page
   * may hold fewer than `limit` even when more follow (a store may bound what one page
   * reads): keep going while `next` is there.
   */
  list(query: EmailQuery, page: PageRequest): Promise<Page<MessageRecord>>;
  /**
   * Puts into the pull feed the webhook events of each entry's history lines from position
   * `from` on (idempotent), all entries together: the outbox tells a group at once.
   */
  recordFeed(entries: readonly FeedEntry[]): Promise<void>;
  /** One page of the pull feed, oldest first (by when each event happened, then its id). */
  feed(query: EventQuery, page: PageRequest): Promise<Page<WebhookEvent>>;

  // Backward moves
  /** Cancels a message no worker has claimed yet (scheduled, or queued with no attempt). */
  cancel(id: string, at: Date): Promise<CancelResult>;
  /**
   * Puts a message whose retries ran out (`failed`, failureKind `retries_exhausted`) back
   * to `queued`, so its redriven queue message is delivered. False for any other record.
   */
  requeueExhausted(id: string, at: Date): Promise<boolean>;

  // Feedback (SES notifications)
  /** Our id for an SES MessageId (an eventually consistent index: a fresh send may be missing). */
  idByProviderMessageId(providerMessageId: string): Promise<string | undefined>;
  exists(id: string): Promise<boolean>;
  applyNotification(id: string, update: NotificationUpdate): Promise<'applied' | 'duplicate' | 'missing'>;
}

/** What each use case reads and writes of the messages table. */
export type AcceptMessages = Pick<MessageStore, 'create' | 'createScheduled' | 'finish'>;
export type DeliveryMessages = Pick<MessageStore, 'claim' | 'recordAttempt' | 'finish' | 'requeueExhausted'>;
export type ScheduleMessages = Pick<MessageStore, 'due' | 'take' | 'enqueued' | 'finish'>;
export type FeedbackMessages = Pick<MessageStore, 'idByProviderMessageId' | 'exists' | 'applyNotification'>;

// ─── Feedback table (DynamoDB) ─────────────────────────────────────────────────────────

export interface FeedbackStore {
  /** Writes the record unless it exists; false when it did (a redelivered notification). */
  record(item: FeedbackRecord): Promise<boolean>;
  has(recipient: string, feedbackKey: string): Promise<boolean>;
  /** A recipient's records, newest first. */
  listByRecipient(recipient: string, page: PageRequest): Promise<Page<FeedbackRecord>>;
  /** Every recipient's records, newest first (by report time), of one type or both, reported at or after `since`. */
  listRecent(query: { type?: FeedbackRecord['type']; since?: string }, page: PageRequest): Promise<Page<FeedbackRecord>>;
}

// ─── Suppressions table (DynamoDB) ─────────────────────────────────────────────────────

export interface SuppressionStore {
  /** Adds the entry unless the address is already suppressed; false when it was. */
  add(entry: Suppression): Promise<boolean>;
  get(address: string): Promise<Suppression | undefined>;
  /** False when the address was not suppressed. */
  remove(address: string): Promise<boolean>;
  list(page: PageRequest): Promise<Page<Suppression>>;
  /** The subset of `addresses` (lower case) that is suppressed. */
  suppressedAmong(addresses: string[]): Promise<Set<string>>;
}

// ─── API keys table (DynamoDB) and usage plans (API Gateway) ───────────────────────────

export interface ApiKeyStore {
  get(keyId: string): Promise<ApiKeyRecord | undefined>;
  /** Fails if the key id exists. */
  create(record: ApiKeyRecord): Promise<void>;
  list(): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked; false when no such key exists. */
  revoke(keyId: string, at: string): Promise<boolean>;
}

/** The API Gateway usage plan that throttles each key separately (absent locally). */
export interface UsagePlanRegistry {
  register(keyId: string, name: string): Promise<{ usageKey: string; usageKeyId: string }>;
  disable(usageKeyId: string): Promise<void>;
}

// ─── Templates table (DynamoDB) ────────────────────────────────────────────────────────

export type AddVersionResult =
  | { outcome: 'added'; template: TemplateRecord }
  /** `create` of an alias that has a live template. */
  | { outcome: 'exists' }
  /** `update` of an alias that has none (never made, or deleted). */
  | { outcome: 'missing' };

/**
 * Templates and every version of each. Versions are numbered by the store, 1, 2, 3, … per
 * alias, and a number is never given twice, not even after a delete: a message record's
 * "alias v3" always means one content.
 */
export interface TemplateStore {
  /** Writes the next version of `alias`: the first of a new template (`create`), or a new version of a live one (`update`). */
  addVersion(alias: string, content: TemplateContent, at: string, mode: 'create' | 'update'): Promise<AddVersionResult>;
  /** The latest version, or version `version`; undefined when there is none or the template was deleted. */
  get(alias: string, version?: number): Promise<TemplateRecord | undefined>;
  /** Live templates by alias, each as its latest version. */
  list(page: PageRequest): Promise<Page<TemplateSummary>>;
  /** Deletes the template with every version; false when there was none. */
  remove(alias: string, at: string): Promise<boolean>;
}

// ─── Idempotency table (DynamoDB, through Powertools) ──────────────────────────────────

/**
 * Runs `work` once per (key, fingerprint) within the key's lifetime; replays its result
 * after. Work that throws frees the key (it sent nothing); work that ran is never run
 * again under the key. When its result could not be kept, the result is still returned
 * and `unsaved` hears why (the key then stays in use until it expires).
 */
export interface IdempotencyGuard {
  run<T extends object>(key: string, fingerprint: unknown, work: () => Promise<T>, unsaved?: (error: unknown) => void): Promise<T>;
}

// ─── Send queue and its dead-letter queue (SQS) ────────────────────────────────────────

/**
 * One queue message: a body the claim check wrote (claim-check.ts), the message id it
 * belongs to, and an optional delay (0-900 s). The queue only carries strings.
 */
export interface QueueMessage {
  id: string;
  body: string;
  delaySeconds?: number;
}

/** A message the queue still refused after its retries; `error` is the underlying one, for the logs. */
export interface EnqueueFailure {
  id: string;
  reason: string;
  error?: unknown;
}

export interface EmailQueue {
  enqueue(message: QueueMessage): Promise<void>;
  /** Enqueues in as few calls as the queue allows, retrying what a call refused; returns what is still refused. */
  enqueueBatch(messages: QueueMessage[]): Promise<{ failed: EnqueueFailure[] }>;
  /** Backoff: a received message becomes visible again after `seconds` instead of the queue default. */
  delayRetry(receiptHandle: string, seconds: number): Promise<void>;
}

export interface DeadLetter {
  body: string;
  receiptHandle: string;
}

export interface DeadLetterQueue {
  /** Messages waiting in the DLQ (SQS gives an estimate). */
  approximateCount(): Promise<number>;
  receive(max: number): Promise<DeadLetter[]>;
  /** Sends them back to the send queue, then deletes them from the DLQ. Returns how many made it. */
  moveBack(letters: DeadLetter[]): Promise<number>;
}

// ─── Payload store (S3) ────────────────────────────────────────────────────────────────

/** Bodies too large for the queue or a table item (S3 in AWS, fauxqs's S3 locally). */
export interface PayloadStore {
  put(key: string, body: string): Promise<void>;
  /** Undefined when the object is gone (already delivered and removed, or expired). */
  get(key: string): Promise<string | undefined>;
  delete(key: string): Promise<void>;
}

// ─── Transport (SES or an SMTP relay) ──────────────────────────────────────────────────

export interface TransportResult {
  accepted: string[];
  rejected: { recipient: string; failure: TransportFailure }[];
  response: string;
  providerMessageId?: string;
}

/** A built message on its way out, with what the transport needs besides the bytes. */
export interface OutgoingMessage extends BuiltMessage {
  /** The request's tags: SES message tags (and event dimensions); SMTP ignores them. */
  tags: { name: string; value: string }[];
}

/** Delivers one built message. Throws TransportError when nothing was delivered. */
export interface Transport {
  readonly name: string;
  send(message: OutgoingMessage): Promise<TransportResult>;
}

// ─── Files at URLs callers give (HTTPS) ────────────────────────────────────────────────

/** A file fetched from a caller's URL, with the content type its server named. */
export interface RemoteFile {
  content: Buffer;
  contentType?: string;
}

/**
 * Fetches files callers point at (attachments given by `path`), under the rules for every
 * URL a caller gives us. Throws an error whose message says what was wrong (not https, a
 * private address, a 404, too large, too slow).
 */
export interface RemoteFiles {
  fetch(url: string, limits: { maxBytes: number; timeoutMs: number }): Promise<RemoteFile>;
}

// ─── Clock ─────────────────────────────────────────────────────────────────────────────

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
