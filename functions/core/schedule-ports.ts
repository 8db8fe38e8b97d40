import type { MessageRecord, QueuedEmail } from './ports.js';
import type { EmailRequest } from './send-request.js';

/**
 * Ports for scheduled sends, cancellation, batch enqueueing and DLQ redrive. They sit
 * beside ports.ts so the original ports stay as they were.
 */

/** A scheduled message's request as kept until it is due: inline in the item, or a reference to a claim-check store. */
export type StashedPayload = { inline: string } | { ref: string };

/** Keeps a scheduled message's request until the scheduler needs it. */
export interface PayloadStash {
  /** Throws PosthasteError('payload_too_large') when the request cannot be kept. */
  stash(id: string, request: EmailRequest): Promise<StashedPayload>;
  restore(stashed: StashedPayload): Promise<EmailRequest>;
  /** Forgets it once the message is queued or canceled (no-op for inline payloads). */
  discard?(stashed: StashedPayload): Promise<void>;
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
}

export interface ScheduleStore {
  /** Writes a new `scheduled` record holding its payload; fails if the id exists. */
  createScheduled(record: MessageRecord, payload: StashedPayload): Promise<void>;
  /** Messages waiting in the schedule whose turn comes at or before `horizon`. */
  due(horizon: Date, limit: number): Promise<DueMessage[]>;
  /**
   * Takes a due message for enqueueing: scheduled → queued, on the condition that nobody
   * else took or canceled it since `due()` read it. Until `enqueued()` the message stays
   * in the schedule with `retryAt` as its turn, so a sweep that dies before enqueueing is
   * taken over after `retryAt`. Undefined when another sweep or a cancel won.
   */
  take(message: DueMessage, at: Date, retryAt: Date): Promise<TakenMessage | undefined>;
  /** The queue has it: the message leaves the schedule and drops its payload. */
  enqueued(id: string, retryAt: Date): Promise<void>;
}

export type CancelResult =
  | { outcome: 'canceled'; record: MessageRecord }
  /** Canceled earlier: a repeated DELETE answers the same. */
  | { outcome: 'already_canceled'; record: MessageRecord }
  /** Already handed to delivery (or finished). */
  | { outcome: 'too_late'; record: MessageRecord }
  | { outcome: 'missing' };

export interface MessageControl {
  /** Cancels a message no worker has claimed yet (scheduled, or queued with no attempt). */
  cancel(id: string, at: Date): Promise<CancelResult>;
  /**
   * Puts a message whose retries ran out (`failed`, failureReason "retries exhausted…")
   * back to `queued`, so its redriven queue message is delivered. False for any other record.
   */
  requeueExhausted(id: string, at: Date): Promise<boolean>;
}

/** One message for a batch enqueue; `delaySeconds` holds it back (0-900). */
export interface QueueEntry {
  message: QueuedEmail;
  delaySeconds?: number;
}

export interface EmailBatchQueue {
  /**
   * Enqueues in as few calls as the queue allows, retrying entries a call refused.
   * Returns the ids that still could not be enqueued, with the reason.
   */
  enqueueBatch(entries: QueueEntry[]): Promise<{ failed: { id: string; reason: string }[] }>;
}
