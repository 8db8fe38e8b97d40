/**
 * What an app hears about its mail: one webhook event per line of a message's history that
 * is a fact the app can act on. A line names every recipient it concerns (an SES bounce of
 * two recipients is one event with both in `data.recipients`), the way SES reports it.
 *
 * Event ids are derived from the message id and the history line's position, never drawn at
 * random: the same fact emitted twice (a retry, a worker killed between its state write and
 * the emission, a sweep that re-emits) carries the same `webhook-id`, so receivers can
 * deduplicate.
 */
import { createHash } from 'node:crypto';
import type { MessageEvent } from './records.js';

export const WEBHOOK_EVENT_TYPES = [
  'email.sent',
  'email.delivered',
  'email.delivery_delayed',
  'email.bounced',
  'email.complained',
  'email.failed',
  'email.suppressed',
  'email.opened',
  'email.clicked',
  'email.canceled',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const isWebhookEventType = (value: string): value is WebhookEventType => (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);

/** History lines that are facts for the app; the rest (queued, retry, requeued, scheduled) are bookkeeping. */
const TYPE_OF: Partial<Record<MessageEvent['type'], WebhookEventType>> = {
  sent: 'email.sent',
  delivered: 'email.delivered',
  delayed: 'email.delivery_delayed',
  bounced: 'email.bounced',
  // A recipient the relay refused for good (SMTP 5xx) bounced, reported by our own relay.
  recipient_rejected: 'email.bounced',
  complained: 'email.complained',
  failed: 'email.failed',
  rejected: 'email.failed',
  suppressed: 'email.suppressed',
  canceled: 'email.canceled',
  opened: 'email.opened',
  clicked: 'email.clicked',
};

export const webhookTypeOf = (event: Pick<MessageEvent, 'type'>): WebhookEventType | undefined => TYPE_OF[event.type];

/** The message as every event carries it: enough to join the event to the app's own send. */
export interface MessageSummary {
  id: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  tags: { name: string; value: string }[];
}

export interface WebhookEvent {
  /** `evt_` + 32 hex characters; the `webhook-id` of every delivery of this event. */
  id: string;
  type: WebhookEventType;
  createdAt: string;
  data: MessageSummary & {
    /** The recipients this fact concerns (absent when it concerns the whole message). */
    recipients?: string[];
    /** The relay's or SES's own words: an SMTP reply, a diagnostic code. */
    response?: string;
    /** What our history says about it: bounce type/subtype, complaint type, a failure reason. */
    detail?: string;
    /** Clicks: the link followed. */
    link?: string;
    /** Opens and clicks: the reader's user agent. */
    userAgent?: string;
  };
}

/** Deterministic: the same message and history position always give the same id. */
export const webhookEventId = (messageId: string, historyIndex: number): string =>
  `evt_${createHash('sha256').update(`${messageId}#${historyIndex}`).digest('hex').slice(0, 32)}`;

/** The event for one history line, or undefined when the line is bookkeeping only. */
export function webhookEventFor(
  message: MessageSummary,
  line: MessageEvent & { link?: string; userAgent?: string },
  historyIndex: number,
): WebhookEvent | undefined {
  const type = webhookTypeOf(line);
  if (!type) return undefined;
  // The summary's own fields only: the caller may hand the whole record (history, payload, …).
  const { id, from, to, cc, bcc, subject, tags } = message;
  const data: WebhookEvent['data'] = { id, from, to, cc, bcc, subject, tags };
  if (line.recipients?.length) data.recipients = line.recipients;
  if (line.response !== undefined) data.response = line.response;
  if (line.detail !== undefined) data.detail = line.detail;
  if (line.link !== undefined) data.link = line.link;
  if (line.userAgent !== undefined) data.userAgent = line.userAgent;
  return { id: webhookEventId(message.id, historyIndex), type, createdAt: line.at, data };
}

/** Every event of a history from position `from` on (what is still to be emitted after a state write). */
export function webhookEventsSince(message: MessageSummary, history: readonly MessageEvent[], from = 0): WebhookEvent[] {
  const events: WebhookEvent[] = [];
  for (let i = from; i < history.length; i++) {
    const event = webhookEventFor(message, history[i]!, i);
    if (event) events.push(event);
  }
  return events;
}

/** An endpoint's filter: no list means every type. */
export const endpointWants = (filter: readonly WebhookEventType[] | undefined, type: WebhookEventType): boolean => !filter?.length || filter.includes(type);
