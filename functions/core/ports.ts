/**
 * What the domain needs from the outside world. Adapters in functions/adapters implement
 * these; core never imports an adapter or an AWS SDK.
 */
import type { BuiltMessage } from './mime.js';
import type { TransportFailure } from './delivery-outcome.js';
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

/** Delivers one built message. Throws TransportError when nothing was delivered. */
export interface Transport {
  readonly name: string;
  send(message: BuiltMessage): Promise<TransportResult>;
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
