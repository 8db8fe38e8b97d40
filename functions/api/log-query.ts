import * as z from 'zod/mini';
import type { EmailQuery, EventQuery } from '../core/email-log.js';
import { invalid } from '../core/errors.js';
import { FEEDBACK_TYPES, type FeedbackRecord } from '../core/records.js';
import { TAG_PART } from '../core/send-request.js';
import { MESSAGE_STATUSES, type MessageStatus } from '../core/status.js';
import { isWebhookEventType } from '../core/webhook-events.js';
import { type HttpRequest, readAddress } from './http.js';

/** The filters of the listings (`GET /v1/emails`, `/v1/events`, `/v1/bounces`), each refused with a 422 naming it. */

const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);
const given = (value: string | undefined): value is string => value !== undefined && value !== '';

/** `since` / `until` as the UTC form stored times have: an ISO 8601 date-time with an offset, or a date (its midnight UTC). */
function readInstant(req: HttpRequest, field: string): string | undefined {
  const raw = req.query[field];
  if (!given(raw)) return undefined;
  if (!instant.safeParse(raw).success) throw invalid(field, 'must be an ISO 8601 date-time with an offset (e.g. 2030-01-31T09:00:00Z) or a date (2030-01-31)');
  return new Date(raw).toISOString();
}

function readRange(req: HttpRequest): { since?: string; until?: string } {
  const since = readInstant(req, 'since');
  const until = readInstant(req, 'until');
  if (since !== undefined && until !== undefined && until < since) throw invalid('until', 'must not be before since');
  return { ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) };
}

function readTag(raw: string): { name: string; value: string } {
  const colon = raw.indexOf(':');
  const name = raw.slice(0, colon);
  const value = raw.slice(colon + 1);
  if (colon < 0 || !TAG_PART.test(name) || !TAG_PART.test(value)) throw invalid('tag', 'must be name:value, each 1-256 of A-Z a-z 0-9 _ -');
  return { name, value };
}

export function readEmailQuery(req: HttpRequest): EmailQuery {
  const { status, recipient, from, tag } = req.query;
  const query: EmailQuery = readRange(req);
  if (given(status)) {
    if (!(MESSAGE_STATUSES as string[]).includes(status)) throw invalid('status', `must be one of ${MESSAGE_STATUSES.join(', ')}`);
    query.status = status as MessageStatus;
  }
  if (given(recipient)) query.recipient = readAddress(recipient, 'recipient');
  if (given(from)) query.from = readAddress(from, 'from');
  if (given(tag)) query.tag = readTag(tag);
  return query;
}

export function readEventQuery(req: HttpRequest): EventQuery {
  const { type } = req.query;
  const since = readInstant(req, 'since');
  const query: EventQuery = since !== undefined ? { since } : {};
  if (given(type)) {
    if (!isWebhookEventType(type)) throw invalid('type', 'must be a webhook event type, e.g. email.delivered');
    query.type = type;
  }
  return query;
}

export function readFeedbackQuery(req: HttpRequest): { type?: FeedbackRecord['type']; since?: string } {
  const { type } = req.query;
  const since = readInstant(req, 'since');
  const query: { type?: FeedbackRecord['type']; since?: string } = since !== undefined ? { since } : {};
  if (given(type)) {
    if (!(FEEDBACK_TYPES as readonly string[]).includes(type)) throw invalid('type', 'must be bounce or complaint');
    query.type = type as FeedbackRecord['type'];
  }
  return query;
}
