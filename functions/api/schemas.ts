import * as z from 'zod/mini';
import { MAX_BATCH } from '../core/accept-batch.js';
import type { AcceptedEmail } from '../core/accept-email.js';
import { described } from '../core/described.js';
import { ERROR_CODES } from '../core/errors.js';
import {
  FEEDBACK_TYPES,
  type FeedbackRecord,
  type MessageEvent,
  type MessageRecord,
  type Suppression as SuppressionRecord,
  type TemplateRecord,
  type TemplateSummary as TemplateSummaryRecord,
  type TemplateUsed,
} from '../core/records.js';
import { mailbox, sendRequestSchema } from '../core/send-request.js';
import type { SentContent } from '../core/sent-content.js';
import { MESSAGE_STATUSES } from '../core/status.js';
import { createTemplateSchema, renderTemplateSchema, templateContentSchema } from '../core/template-request.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEvent } from '../core/webhook-events.js';
import { WEBHOOK_FORMATS, type WebhookDelivery, type WebhookEndpoint } from '../core/webhook-records.js';

/**
 * The shapes the API answers with, as zod schemas: the OpenAPI document is generated from
 * these and from the send-request schema, and the typed client takes its types from them.
 *
 * Each response shape is written once, here. The records in core/records.ts stay plain
 * TypeScript (core keeps no zod schema of what it stores), and each schema below is
 * checked against its record at compile time (`sameShape`): a field added to a record and
 * not to its schema, or typed differently, fails `tsc`. Responses are built with
 * `present`, which copies exactly the schema's fields, so a table attribute the schema does
 * not name (bookkeeping, internal fields) can never leak into a response.
 */

const isoTime = described(z.string(), { description: 'ISO 8601 date-time (UTC)' });
/** `described(z.optional(schema), …)`: an optional field with its own words. */
const optional = <T extends z.ZodMiniType>(schema: T, description?: string) =>
  description ? described(z.optional(schema), { description }) : z.optional(schema);
const text = (description: string) => described(z.string(), { description });

export const messageStatus = z.enum(MESSAGE_STATUSES);

export const problemSchema = described(
  z.object({
    type: text('urn:posthaste:problem:<code>'),
    title: z.string(),
    status: z.int(),
    code: described(z.enum(ERROR_CODES as [string, ...string[]]), { description: 'Stable error code' }),
    detail: z.string(),
    field: optional(z.string(), 'The first failing field, e.g. `to`, `attachments[0].content`, or `[3].to` in a batch'),
    errors: optional(z.array(z.object({ field: z.string(), message: z.string() }))),
    instance: optional(z.string(), 'Request id'),
  }),
  { description: 'RFC 9457 problem document (application/problem+json)' },
);

export const acceptedSchema = z.object({
  id: z.string(),
  status: z.enum(['queued', 'scheduled']),
  scheduledAt: optional(isoTime, 'When a scheduled message is due'),
});

export const eventSchema = z.object({
  type: text('scheduled, queued, sent, retry, failed, recipient_rejected, delivered, bounced, complained, canceled, requeued, opened, clicked, …'),
  at: isoTime,
  recipients: optional(z.array(z.string())),
  response: optional(z.string(), "The relay's or SES's own words"),
  detail: optional(z.string()),
  link: optional(z.string(), 'Clicks: the link followed'),
  userAgent: optional(z.string(), "Opens and clicks: the reader's user agent"),
});

export const emailSchema = z.object({
  id: z.string(),
  status: messageStatus,
  createdAt: isoTime,
  updatedAt: isoTime,
  from: z.string(),
  to: z.array(z.string()),
  cc: z.array(z.string()),
  bcc: z.array(z.string()),
  subject: z.string(),
  tags: z.array(z.object({ name: z.string(), value: z.string() })),
  attempts: z.int(),
  relayResponse: optional(z.string()),
  providerMessageId: optional(z.string()),
  failureReason: optional(z.string()),
  scheduledAt: optional(isoTime),
  template: optional(z.object({ alias: z.string(), version: z.int() }), 'The stored template and version the content was rendered from, when it was'),
  events: z.array(eventSchema),
});

export const emailContentSchema = described(
  z.object({
    id: z.string(),
    headers: described(z.array(z.object({ name: z.string(), value: z.string() })), { description: 'The MIME header block as sent, unfolded and in order' }),
    text: optional(z.string()),
    html: optional(z.string(), 'Show it sandboxed: it is what the sender wrote, scripts and remote images included'),
    attachments: z.array(
      z.object({
        filename: z.string(),
        contentType: z.string(),
        bytes: z.int(),
        contentId: optional(z.string(), 'Inline parts: the cid: the HTML refers to'),
      }),
    ),
    truncated: optional(z.boolean(), 'A part was longer than 1,048,576 characters: only its start is kept'),
  }),
  { description: 'What a message sent, kept for contentRetentionDays (CDK context) from the first attempt that reaches SES or the relay' },
);

export const emailSummarySchema = described(
  z.object({
    id: z.string(),
    status: messageStatus,
    from: z.string(),
    to: z.array(z.string()),
    cc: optional(z.array(z.string()), 'Absent when empty'),
    bcc: optional(z.array(z.string()), 'Absent when empty'),
    subject: z.string(),
    tags: z.array(z.object({ name: z.string(), value: z.string() })),
    createdAt: isoTime,
    updatedAt: isoTime,
    scheduledAt: optional(isoTime),
    lastEvent: optional(z.pick(eventSchema, { type: true, at: true }), 'The newest line of its history'),
  }),
  { description: 'One line of the email log; GET /v1/emails/{id} has the rest' },
);

export const canceledSchema = z.object({ id: z.string(), status: z.literal('canceled') });

export const batchRequestSchema = z.array(sendRequestSchema).check(z.minLength(1), z.maxLength(MAX_BATCH));

export const batchResultSchema = described(
  z.object({
    results: z.array(
      z.union([
        z.extend(acceptedSchema, { index: described(z.int(), { description: 'Position of the item in the request' }) }),
        z.object({ index: z.int(), error: problemSchema }),
      ]),
    ),
    accepted: z.int(),
    failed: z.int(),
  }),
  { description: '202 when every item was accepted, 207 when at least one was not; one result per item, in request order' },
);

export const suppressionSchema = z.object({
  address: z.string(),
  reason: z.enum(['bounce', 'complaint']),
  origin: z.enum(['ses', 'smtp']),
  createdAt: isoTime,
  messageId: optional(z.string()),
  sesMessageId: optional(z.string()),
  feedbackId: optional(z.string()),
  bounceType: optional(z.string()),
  bounceSubType: optional(z.string()),
  diagnosticCode: optional(z.string()),
});

export const bounceSchema = z.object({
  recipient: z.string(),
  feedbackKey: z.string(),
  type: z.enum(FEEDBACK_TYPES),
  timestamp: isoTime,
  feedbackId: z.string(),
  origin: z.enum(['ses', 'smtp']),
  recordedAt: isoTime,
  messageId: optional(z.string()),
  sesMessageId: optional(z.string()),
  sentAt: optional(isoTime),
  from: optional(z.string()),
  subject: optional(z.string()),
  bounceType: optional(z.string()),
  bounceSubType: optional(z.string()),
  diagnosticCode: optional(z.string()),
  status: optional(z.string()),
  action: optional(z.string()),
  reportingMTA: optional(z.string()),
  remoteMtaIp: optional(z.string()),
  complaintFeedbackType: optional(z.string()),
  complaintSubType: optional(z.string()),
  userAgent: optional(z.string()),
  arrivalDate: optional(z.string()),
});

// ─── Each schema against the record it presents ─────────────────────────────────────────

/** Optional keys are compared by name and every value without `undefined`, so `a?: string` equals `a?: string | undefined`. */
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];
type Values<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SameShape<A, B> = Same<Values<A>, Values<B>> extends true ? Same<OptionalKeys<A>, OptionalKeys<B>> : false;
/** Fails to compile unless the two object types have the same keys, optionality and value types. */
const sameShape = <A, B>(_proof: SameShape<A, B>): void => undefined;

sameShape<z.output<typeof bounceSchema>, FeedbackRecord>(true);
sameShape<z.output<typeof suppressionSchema>, SuppressionRecord>(true);
sameShape<z.output<typeof acceptedSchema>, AcceptedEmail>(true);
sameShape<Omit<z.output<typeof emailContentSchema>, 'id'>, SentContent>(true);
/** The recipients' settlement, failureKind, the outbox position and the TTL are bookkeeping, not part of the API. */
type PresentedMessage = Omit<MessageRecord, 'acceptedRecipients' | 'rejectedRecipients' | 'failureKind' | 'eventsEmitted' | 'expiresAt'>;
sameShape<Omit<z.output<typeof emailSchema>, 'events'>, Omit<PresentedMessage, 'events'>>(true);
// An event's `type` is a string in the contract (new types may appear); every stored event must fit it.
const _eventsFit = (event: MessageEvent): z.output<typeof eventSchema> => event;

/** The fields of `value` that `schema` names, in the schema's order; absent optional fields are left out. */
export function present<S extends z.ZodMiniObject>(schema: S, value: z.output<S>): z.output<S> {
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(schema.shape)) if (source[key] !== undefined) out[key] = source[key];
  return out as z.output<S>;
}

/** A record as one line of the email log. */
export function summarize(record: MessageRecord): EmailSummary {
  const last = record.events.at(-1);
  return present(emailSummarySchema, {
    ...record,
    cc: record.cc.length ? record.cc : undefined,
    bcc: record.bcc.length ? record.bcc : undefined,
    lastEvent: last ? { type: last.type, at: last.at } : undefined,
  });
}

const list = <T extends z.ZodMiniType>(item: T) =>
  z.object({ data: z.array(item), nextCursor: optional(z.string(), 'Pass as `cursor` for the next page; absent on the last page') });

export const suppressionListSchema = list(suppressionSchema);
export const emailListSchema = list(emailSummarySchema);
export const bounceListSchema = list(bounceSchema);

/** Named schemas of the document, by component name. */
// ─── Webhooks ───────────────────────────────────────────────────────────────────────────

const eventType = z.enum(WEBHOOK_EVENT_TYPES);
const webhookFormat = described(z.enum(WEBHOOK_FORMATS), {
  description: "`posthaste`: this payload, Standard Webhooks `webhook-*` headers. `resend`: Resend's payload, the same signature under `svix-*` headers",
});

export const webhookEndpointSchema = z.object({
  id: z.string(),
  url: text('https URL the events are POSTed to'),
  format: optional(webhookFormat, '`posthaste` (absent on older endpoints) or `resend`'),
  events: described(z.array(eventType), { description: 'Types delivered to it; empty means every type' }),
  description: optional(z.string()),
  enabled: z.boolean(),
  disabledReason: optional(z.string(), 'Why it is off: by an operator, or after failing every attempt for a day'),
  disabledAt: optional(isoTime),
  createdAt: isoTime,
  updatedAt: isoTime,
  consecutiveFailures: described(z.int(), { description: 'Attempts failed in a row since the last 2xx' }),
  failingSince: optional(isoTime),
});

export const webhookEndpointCreatedSchema = z.extend(webhookEndpointSchema, {
  secret: text('`whsec_<base64>`: verify signatures with it. Shown only in this answer'),
});

export const webhookEndpointRequestSchema = z.object({
  url: z.string().check(z.maxLength(2048)),
  format: optional(webhookFormat),
  events: optional(z.array(eventType)),
  description: optional(z.string().check(z.maxLength(500))),
  enabled: optional(z.boolean()),
});

export const webhookAttemptSchema = z.object({
  at: isoTime,
  durationMs: z.number(),
  statusCode: optional(z.int(), "The endpoint's HTTP status; absent when it did not answer"),
  reply: optional(z.string(), 'The first kilobyte of the reply'),
  error: optional(z.string()),
});

export const webhookDeliverySchema = z.object({
  endpointId: z.string(),
  deliveryId: z.string(),
  eventId: text('The `webhook-id` header of every attempt'),
  eventType,
  messageId: z.string(),
  payload: text('The exact body every attempt sends'),
  status: z.enum(['pending', 'succeeded', 'failed']),
  attempts: z.array(webhookAttemptSchema),
  nextAttemptAt: optional(isoTime, 'While the delivery is pending after a failed attempt: when the next one is due'),
  createdAt: isoTime,
  updatedAt: isoTime,
});

export const webhookEventSchema = z.object({
  type: eventType,
  createdAt: isoTime,
  data: z.object({
    id: text('Our message id, as POST /v1/emails returned it'),
    from: z.string(),
    to: z.array(z.string()),
    cc: z.array(z.string()),
    bcc: z.array(z.string()),
    subject: z.string(),
    tags: z.array(z.object({ name: z.string(), value: z.string() })),
    recipients: optional(z.array(z.string()), 'The recipients this fact concerns'),
    response: optional(z.string(), "The relay's or SES's own words"),
    detail: optional(z.string(), 'Bounce type/subtype, complaint type, failure reason'),
    link: optional(z.string(), 'email.clicked: the link followed'),
    userAgent: optional(z.string(), "email.opened, email.clicked: the reader's user agent"),
  }),
});

sameShape<z.output<typeof webhookEndpointSchema>, WebhookEndpoint>(true);
sameShape<z.output<typeof webhookDeliverySchema>, Omit<WebhookDelivery, 'expiresAt' | 'attemptingUntil'>>(true);
sameShape<z.output<typeof webhookEventSchema>['data'], WebhookEvent['data']>(true);

export const feedEventSchema = described(z.extend(webhookEventSchema, { id: text('The event id: the `webhook-id` header its webhook deliveries carry') }), {
  description: 'A webhook event as GET /v1/events lists it: the body its deliveries POST, with its id',
});
export const eventFeedSchema = list(feedEventSchema);

export const webhookEndpointListSchema = list(webhookEndpointSchema);
export const webhookDeliveryListSchema = list(webhookDeliverySchema);

// ─── Templates ──────────────────────────────────────────────────────────────────────────

export const templateVersionSchema = z.object({ alias: z.string(), version: described(z.int(), { description: '1, 2, 3, …; never reused for this alias' }) });

export const templateSchema = z.object({
  alias: z.string(),
  version: z.int(),
  subject: z.string(),
  html: optional(z.string()),
  text: optional(z.string()),
  description: optional(z.string()),
  partials: optional(z.record(z.string(), z.string())),
  createdAt: described(isoTime, { description: 'When this version was made' }),
});

export const templateSummarySchema = z.object({
  alias: z.string(),
  version: described(z.int(), { description: 'The latest version' }),
  subject: z.string(),
  description: optional(z.string()),
  createdAt: described(isoTime, { description: 'When the latest version was made' }),
});

export const renderedTemplateSchema = described(
  z.object({
    alias: z.string(),
    version: z.int(),
    subject: z.string(),
    html: optional(z.string()),
    text: optional(z.string(), "The template's text, or the one made from its html"),
  }),
  { description: 'What a send with these variables would carry; nothing was sent' },
);

sameShape<z.output<typeof templateSchema>, TemplateRecord>(true);
sameShape<z.output<typeof templateSummarySchema>, TemplateSummaryRecord>(true);
sameShape<z.output<typeof templateVersionSchema>, TemplateUsed>(true);

export const templateListSchema = list(templateSummarySchema);

export const COMPONENTS = {
  Mailbox: mailbox,
  SendEmailRequest: sendRequestSchema,
  SendBatchRequest: batchRequestSchema,
  Accepted: acceptedSchema,
  Email: emailSchema,
  EmailEvent: eventSchema,
  EmailContent: emailContentSchema,
  EmailSummary: emailSummarySchema,
  EmailList: emailListSchema,
  Canceled: canceledSchema,
  BatchResult: batchResultSchema,
  Problem: problemSchema,
  Suppression: suppressionSchema,
  SuppressionList: suppressionListSchema,
  Bounce: bounceSchema,
  BounceList: bounceListSchema,
  WebhookEndpoint: webhookEndpointSchema,
  WebhookEndpointCreated: webhookEndpointCreatedSchema,
  WebhookEndpointRequest: webhookEndpointRequestSchema,
  WebhookEndpointList: webhookEndpointListSchema,
  WebhookDelivery: webhookDeliverySchema,
  WebhookDeliveryList: webhookDeliveryListSchema,
  WebhookEvent: webhookEventSchema,
  FeedEvent: feedEventSchema,
  EventFeed: eventFeedSchema,
  CreateTemplateRequest: createTemplateSchema,
  TemplateVersionRequest: templateContentSchema,
  RenderTemplateRequest: renderTemplateSchema,
  Template: templateSchema,
  TemplateVersion: templateVersionSchema,
  TemplateSummary: templateSummarySchema,
  TemplateList: templateListSchema,
  RenderedTemplate: renderedTemplateSchema,
} as const;

export type Accepted = z.infer<typeof acceptedSchema>;
export type Email = z.infer<typeof emailSchema>;
export type EmailSummary = z.infer<typeof emailSummarySchema>;
export type Canceled = z.infer<typeof canceledSchema>;
export type BatchResult = z.infer<typeof batchResultSchema>;
export type ProblemDocument = z.infer<typeof problemSchema>;
export type Suppression = z.infer<typeof suppressionSchema>;
export type SuppressionList = z.infer<typeof suppressionListSchema>;
export type Bounce = z.infer<typeof bounceSchema>;
export type BounceList = z.infer<typeof bounceListSchema>;
export type Template = z.infer<typeof templateSchema>;
export type TemplateList = z.infer<typeof templateListSchema>;
export type RenderedTemplate = z.infer<typeof renderedTemplateSchema>;
