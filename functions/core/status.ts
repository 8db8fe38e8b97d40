/**
 * The message lifecycle. Status only moves forward: SES notifications arrive out of
 * order (a Delivery after a Complaint, a Bounce before our own `sent` write), so every
 * status write is conditional on the rank of the status it replaces.
 */
export type MessageStatus = 'scheduled' | 'queued' | 'sent' | 'delivered' | 'bounced' | 'complained' | 'failed' | 'suppressed' | 'canceled';

export const STATUS_RANK: Record<MessageStatus, number> = {
  /** Waiting for its `scheduledAt`; the scheduler moves it to queued. */
  scheduled: 5,
  queued: 10,
  sent: 20,
  delivered: 30,
  bounced: 40,
  complained: 50,
  failed: 60,
  suppressed: 60,
  /** Canceled before it was handed to delivery: terminal. */
  canceled: 60,
};

/** States that need nothing more from the deliver worker. */
export const DONE_DELIVERING: ReadonlySet<MessageStatus> = new Set(['sent', 'delivered', 'bounced', 'complained', 'failed', 'suppressed', 'canceled']);

export const canMove = (from: MessageStatus, to: MessageStatus): boolean => STATUS_RANK[to] > STATUS_RANK[from];

export type EventType =
  | 'scheduled'
  | 'queued'
  | 'canceled'
  | 'requeued'
  | 'sent'
  | 'retry'
  | 'failed'
  | 'suppressed'
  | 'recipient_rejected'
  | 'delivered'
  | 'bounced'
  | 'complained'
  | 'delayed'
  | 'rejected'
  | 'opened'
  | 'clicked';

/** One line of a message's history, as `GET /v1/emails/{id}` shows it. */
export interface MessageEvent {
  type: EventType;
  at: string;
  recipients?: string[];
  /** The relay's or SES's own words (an SMTP reply line, a diagnostic code). */
  response?: string;
  detail?: string;
  /** Clicks: the link the reader followed. */
  link?: string;
  /** Opens and clicks: the reader's user agent, as SES reports it. */
  userAgent?: string;
}
