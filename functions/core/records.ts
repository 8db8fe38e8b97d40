/**
 * Every record the domain keeps or passes around, in one place: what a table item holds,
 * what the queue carries. Attribute names are plain words because operators read these
 * items in the DynamoDB console. Ports (ports.ts) move these shapes in and out.
 */

import type { EmailRequest } from './send-request.js';
import type { MessageStatus } from './status.js';

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

/**
 * Why a message ended `failed` (or `suppressed`), as a value code can branch on; the
 * human-readable words are in `failureReason`. A DLQ redrive revives exactly the
 * `retries_exhausted` ones (the lifecycle's one move backwards).
 */
export type FailureKind =
  /** The relay or SES deferred it on every receive the queue allowed: parked in the DLQ, revivable. */
  | 'retries_exhausted'
  /** The relay or SES refused the message for good (SMTP 5xx, SES MessageRejected or a Reject notification). */
  | 'permanent'
  /** Every recipient was refused (or suppressed) one by one; nobody got it. */
  | 'recipients_rejected'
  /** Every recipient is on the suppression list (status `suppressed`). */
  | 'suppressed'
  /** The queue refused it when it was accepted; the caller got a 503 and nothing was sent. */
  | 'enqueue_failed'
  /** Its queue message or stored scheduled request could not be read. */
  | 'unreadable'
  /** A fault of ours (bug, store outage) on the last receive the queue allowed. */
  | 'internal_error';

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
  /** Set together with failureReason. */
  failureKind?: FailureKind;
  /** When a scheduled message is due (ISO 8601, UTC). */
  scheduledAt?: string;
  /**
   * How many history lines have been handed to the webhook queue (the outbox position):
   * lines past it are facts no app has been told of yet.
   */
  eventsEmitted?: number;
  /**
   * When DynamoDB's TTL removes the record and its index items (epoch seconds): the
   * operator's retention (`messageRetentionDays`) after it was created or was due.
   */
  expiresAt?: number;
  /** The stored template the content was rendered from, when it was (the queued message holds the rendering). */
  template?: TemplateUsed;
}

/** What travels through the queue: our id and the validated request. */
export interface QueuedEmail {
  v: 1;
  id: string;
  request: EmailRequest;
  /** A scheduled message's due time: queue-to-sent latency is measured from it, not from the enqueue. */
  dueAt?: string;
}

/** What the queue carries instead of a large body: a reference to the stored payload (claim check). */
export interface ClaimTicket {
  v: 1;
  id: string;
  payloadKey: string;
}

/** A scheduled message's request as kept until it is due: inline in the item, or a key in the payload store. */
export type StashedPayload = { inline: string } | { ref: string };

/** The kinds of feedback a receiving side reports. */
export const FEEDBACK_TYPES = ['bounce', 'complaint'] as const;

/**
 * One bounce or complaint for one recipient, as operators read it in the feedback table.
 * `feedbackKey` sorts by time (newest first when read backwards) and is unique per report.
 */
export interface FeedbackRecord {
  recipient: string;
  feedbackKey: string;
  type: (typeof FEEDBACK_TYPES)[number];
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

/** One API key in the apiKeys table; the secret itself is never stored. */
export interface ApiKeyRecord {
  keyId: string;
  /** What the key is for, e.g. `billing-service`. */
  name: string;
  /** Hex SHA-256 of `<keyId>:<secret>`. */
  secretHash: string;
  hashAlgorithm: 'sha256';
  createdAt: string;
  revokedAt?: string;
  /** The API Gateway API key value the usage plan meters and throttles this key under. */
  usageKey?: string;
  /** The API Gateway API key id (to disable it on revoke). */
  usageKeyId?: string;
}

/** Which stored template, and which of its versions, made a message's content. */
export interface TemplateUsed {
  alias: string;
  version: number;
}

/** What a template version holds: Handlebars sources, and the partials they call, inside it. */
export interface TemplateContent {
  /** Rendered without HTML escaping, then checked as a subject (no CR/LF, at most 998 characters). */
  subject: string;
  /** Variables are HTML-escaped here (`{{{raw}}}` opts out). */
  html?: string;
  /** Rendered without escaping. When absent, a text part is made from the rendered html. */
  text?: string;
  description?: string;
  /**
   * Partials by name (`{{> footer}}`, a layout as `{{#> layout}}…{{/layout}}`). Each version
   * carries its own copies, so a version renders the same for as long as it exists.
   */
  partials?: Record<string, string>;
}

/** One version of a template: never changed once written; a change is a new version. */
export interface TemplateRecord extends TemplateContent {
  alias: string;
  /** 1, 2, 3, …: never reused, not even after the template is deleted and made again. */
  version: number;
  createdAt: string;
}

/** A template in a listing: its latest version, without the sources. */
export type TemplateSummary = Pick<TemplateRecord, 'alias' | 'version' | 'subject' | 'description' | 'createdAt'>;
