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

/** Every status, in the order of STATUS_RANK's keys (the order the API lists them in). */
export const MESSAGE_STATUSES = Object.keys(STATUS_RANK) as [MessageStatus, ...MessageStatus[]];

/** States that need nothing more from the deliver worker. */
export const DONE_DELIVERING: ReadonlySet<MessageStatus> = new Set(['sent', 'delivered', 'bounced', 'complained', 'failed', 'suppressed', 'canceled']);
