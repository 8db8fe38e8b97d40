/**
 * What the domain needs from the outside world. Adapters in functions/adapters implement
 * these; core never imports an adapter or an AWS SDK.
 */

import type { TransportFailure } from './delivery-outcome.js';
import type { BuiltMessage } from './mime.js';
import type { EmailRequest } from './send-request.js';
import type { MessageEvent, MessageStatus } from './status.js';

export interface MessageRecord {
  id: string;
  status: MessageStatus;
  createdAt: string;
  updatedAt: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  tags: { name: string; value: string }[];
  events: MessageEvent[];
  /** Delivery attempts that reached the transport. */
  attempts: number;
  /** Recipients the relay has accepted so far: a retry never sends to them again. */
  acceptedRecipients: string[];
  /** Recipients refused for good (SMTP 5xx): never retried. */
  rejectedRecipients: string[];
  /** The relay's final reply, e.g. `250 2.0.0 Ok: queued as 4F1A`. */
  relayResponse?: string;
  /** The SES MessageId, or the relay's queue id when it gives one. */
  providerMessageId?: string;
  failureReason?: string;
  /** When a scheduled message is due (ISO 8601, UTC). */
  scheduledAt?: string;
}

export type ClaimResult =
  | { outcome: 'claimed'; record: MessageRecord }
  /** Already sent or otherwise finished: a redelivered queue message is dropped. */
  | { outcome: 'done'; record: MessageRecord }
  /** Another worker holds the delivery lease (a queue message seen twice at once). */
  | { outcome: 'busy'; record: MessageRecord }
  | { outcome: 'missing' };

export interface FinishUpdate {
  status: MessageStatus;
  events: MessageEvent[];
  accepted?: string[];
  rejected?: string[];
  relayResponse?: string;
  providerMessageId?: string;
  failureReason?: string;
}

export interface AttemptUpdate {
  events: MessageEvent[];
  accepted?: string[];
  rejected?: string[];
}

export interface MessageStore {
  /** Writes a new record; fails if the id exists. */
  create(record: MessageRecord): Promise<void>;
  get(id: string): Promise<MessageRecord | undefined>;
  /**
   * Takes the delivery lease of a queued message until `leaseUntil`: at most one worker
   * talks to the relay about a message at a time, and a crashed worker's lease runs out.
   */
  claim(id: string, now: Date, leaseUntil: Date): Promise<ClaimResult>;
  /** Records a partial or failed attempt and gives the lease back. */
  recordAttempt(id: string, update: AttemptUpdate): Promise<void>;
  /** Moves the status forward (never back) and releases the lease. Returns false if the status was already past it. */
  finish(id: string, update: FinishUpdate): Promise<boolean>;
}

/** What travels through the queue: our id and the validated request. */
export interface QueuedEmail {
  v: 1;
  id: string;
  request: EmailRequest;
  /** A scheduled message's due time: queue-to-sent latency is measured from it, not from the enqueue. */
  dueAt?: string;
}

export interface EmailQueue {
  enqueue(message: QueuedEmail): Promise<void>;
}

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

/**
 * One bounce or complaint for one recipient, as operators read it in the feedback table.
 * `feedbackKey` sorts by time (newest first when read backwards) and is unique per report.
 */
export interface FeedbackRecord {
  recipient: string;
  feedbackKey: string;
  type: 'bounce' | 'complaint';
  /** When the receiving side reported it. */
  timestamp: string;
  /** SES's feedback id, or `smtp:<message id>` for a refusal our own relay reported. */
  feedbackId: string;
  /** Who reported it: an SES notification, or the SMTP relay refusing the recipient. */
  origin: 'ses' | 'smtp';
  recordedAt: string;
  /** Our message id, when the report could be matched to a message. */
  messageId?: string;
  sesMessageId?: string;
  /** When the message was sent, from the notification's mail object. */
  sentAt?: string;
  from?: string;
  subject?: string;
  bounceType?: string;
  bounceSubType?: string;
  diagnosticCode?: string;
  status?: string;
  action?: string;
  reportingMTA?: string;
  remoteMtaIp?: string;
  complaintFeedbackType?: string;
  complaintSubType?: string;
  userAgent?: string;
  arrivalDate?: string;
}

export interface FeedbackStore {
  /** Writes the record unless it exists; false when it did (a redelivered notification). */
  record(item: FeedbackRecord): Promise<boolean>;
  has(recipient: string, feedbackKey: string): Promise<boolean>;
  /** A recipient's records, newest first. */
  listByRecipient(recipient: string, page: PageRequest): Promise<Page<FeedbackRecord>>;
}

/** An address Posthaste no longer sends to, and why. */
export interface Suppression {
  address: string;
  reason: 'bounce' | 'complaint';
  origin: 'ses' | 'smtp';
  createdAt: string;
  messageId?: string;
  sesMessageId?: string;
  feedbackId?: string;
  bounceType?: string;
  bounceSubType?: string;
  diagnosticCode?: string;
}

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

/** A notification's effect on a message record. */
export interface NotificationUpdate {
  /** Identifies the notification: applied twice, its events are appended once. */
  key: string;
  /** Where the status moves (forward only). */
  status?: MessageStatus;
  failureReason?: string;
  events: MessageEvent[];
}

/** What the events function needs from the messages table. */
export interface MessageFeedbackStore {
  /** Our id for an SES MessageId (an eventually consistent index: a fresh send may be missing). */
  idByProviderMessageId(providerMessageId: string): Promise<string | undefined>;
  exists(id: string): Promise<boolean>;
  applyNotification(id: string, update: NotificationUpdate): Promise<'applied' | 'duplicate' | 'missing'>;
}

/** Runs `work` once per (key, fingerprint) within the key's lifetime; replays its result after. */
export interface IdempotencyGuard {
  /** Lets in-progress records expire with the invocation (a crashed request frees its key). */
  useInvocation?(context: { getRemainingTimeInMillis(): number }): void;
  run<T extends object>(key: string, fingerprint: unknown, work: () => Promise<T>): Promise<T>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
