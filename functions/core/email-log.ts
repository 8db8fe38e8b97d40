/**
 * The email log: which messages a listing asks for, and the event feed's query. A store
 * answers from its indexes (see the message store adapter for which filter uses which);
 * every store checks each record it returns against the whole query with `matchesQuery`, so
 * a stale index entry (a status that moved on since the index saw it) never shows.
 */
import { addressKey } from './feedback.js';
import type { MessageRecord } from './records.js';
import type { MessageStatus } from './status.js';
import type { WebhookEventType } from './webhook-events.js';

export interface EmailQuery {
  status?: MessageStatus;
  /** Any recipient, in to, cc or bcc (lower case). */
  recipient?: string;
  /** The sender address (lower case). */
  from?: string;
  tag?: { name: string; value: string };
  /** Created at or after (ISO 8601, UTC, as toISOString writes it). */
  since?: string;
  /** Created at or before. */
  until?: string;
}

export interface EventQuery {
  /** Events that happened at or after (ISO 8601, UTC). */
  since?: string;
  type?: WebhookEventType;
}

export function matchesQuery(record: MessageRecord, query: EmailQuery): boolean {
  if (query.status !== undefined && record.status !== query.status) return false;
  if (query.recipient !== undefined && ![...record.to, ...record.cc, ...record.bcc].some((a) => addressKey(a) === query.recipient)) return false;
  if (query.from !== undefined && addressKey(record.from) !== query.from) return false;
  const tag = query.tag;
  if (tag && !record.tags.some((t) => t.name === tag.name && t.value === tag.value)) return false;
  if (query.since !== undefined && record.createdAt < query.since) return false;
  if (query.until !== undefined && record.createdAt > query.until) return false;
  return true;
}

/**
 * A message's place in the log: creation time, then id (unique, and UUIDv7 ids sort by time
 * too). Listings are ordered by it and a cursor is one of these.
 */
export const logPosition = (record: Pick<MessageRecord, 'createdAt' | 'id'>): string => `${record.createdAt}#${record.id}`;

/** An event's place in the feed: when it happened, then its id. */
export const feedPosition = (at: string, eventId: string): string => `${at}#${eventId}`;

/** The inclusive upper bound for positions at or before `until` ('$' sorts right after '#'). */
export const positionsUntil = (until: string): string => `${until}$`;

const DAY_SECONDS = 86_400;

/**
 * When the table may forget a message (epoch seconds, DynamoDB TTL): `days` after it was
 * created, or after it is due when it is scheduled, so a scheduled send outlives its wait.
 */
export function retentionExpiry(record: Pick<MessageRecord, 'createdAt' | 'scheduledAt'>, days: number): number {
  const from = Math.max(Date.parse(record.createdAt), record.scheduledAt ? Date.parse(record.scheduledAt) : 0);
  return Math.floor(from / 1000) + days * DAY_SECONDS;
}
