import * as z from 'zod';
import { MAX_BATCH } from '../core/accept-batch.js';
import type { AcceptedEmail } from '../core/accept-email.js';
import { ERROR_CODES } from '../core/errors.js';
import type {
  FeedbackRecord,
  MessageEvent,
  MessageRecord,
  Suppression as SuppressionRecord,
  TemplateRecord,
  TemplateSummary as TemplateSummaryRecord,
  TemplateUsed,
} from '../core/records.js';
import { mailbox, sendRequestSchema } from '../core/send-request.js';
import type { SentContent } from '../core/sent-content.js';
import { type MessageStatus, STATUS_RANK } from '../core/status.js';
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

const isoTime = z.string().describe('ISO 8601 date-time (UTC)');

export const messageStatus = z.enum(Object.keys(STATUS_RANK) as [MessageStatus, ...MessageStatus[]]);

export const problemSchema = z
  .object({
    type: z.string().describe('urn:posthaste:problem:<code>'),
    title: z.string(),
    status: z.int(),
    code: z.enum(ERROR_CODES as [string, ...string[]]).describe('Stable error code'),
    detail: z.string(),
    field: z.string().optional().describe('The first failing field, e.g. `to`, `attachments[0].content`, or `[3].to` in a batch'),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    instance: z.string().optional().describe('Request id'),
  })
  .describe('RFC 9457 problem document (application/problem+json)');

export const acceptedSchema = z.object({
  id: z.string(),
  status: z.enum(['queued', 'scheduled']),
  scheduledAt: isoTime.optional().describe('When a scheduled message is due'),
});

export const eventSchema = z.object({
  type: z
    .string()
    .describe('scheduled, queued, sent, retry, failed, recipient_rejected, delivered, bounced, complained, canceled, requeued, opened, clicked, …'),
  at: isoTime,
  recipients: z.array(z.string()).optional(),
  response: z.string().optional().describe("The relay's or SES's own words"),
  detail: z.string().optional(),
  link: z.string().optional().describe('Clicks: the link followed'),
  userAgent: z.string().optional().describe("Opens and clicks: the reader's user agent"),
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
  relayResponse: z.string().optional(),
  providerMessageId: z.string().optional(),
  failureReason: z.string().optional(),
  scheduledAt: isoTime.optional(),
  template: z.object({ alias: z.string(), version: z.int() }).optional().describe('The stored template and version the content was rendered from, when it was'),
  events: z.array(eventSchema),
});

export const emailContentSchema = z
  .object({
    id: z.string(),
    headers: z.array(z.object({ name: z.string(), value: z.string() })).describe('The MIME header block as sent, unfolded and in order'),
    text: z.string().optional(),
    html: z.string().optional().describe('Show it sandboxed: it is what the sender wrote, scripts and remote images included'),
    attachments: z.array(
      z.object({
        filename: z.string(),
        contentType: z.string(),
        bytes: z.int(),
        contentId: z.string().optional().describe('Inline parts: the cid: the HTML refers to'),
      }),
    ),
    truncated: z.boolean().optional().describe('A part was longer than 1,048,576 characters: only its start is kept'),
  })
  .describe('What a message sent, kept for contentRetentionDays (CDK context) from the first attempt that reaches SES or the relay');

export const emailSummarySchema = z
  .object({
    id: z.string(),
    status: messageStatus,
    from: z.string(),
    to: z.array(z.string()),
    cc: z.array(z.string()).optional().describe('Absent when empty'),
    bcc: z.array(z.string()).optional().describe('Absent when empty'),
    subject: z.string(),
    tags: z.array(z.object({ name: z.string(), value: z.string() })),
    createdAt: isoTime,
    updatedAt: isoTime,
    scheduledAt: isoTime.optional(),
    lastEvent: eventSchema.pick({ type: true, at: true }).optional().describe('The newest line of its history'),
  })
  .describe('One line of the email log; GET /v1/emails/{id} has the rest');

export const canceledSchema = z.object({ id: z.string(), status: z.literal('canceled') });

export const batchRequestSchema = z.array(sendRequestSchema).min(1).max(MAX_BATCH);

export const batchResultSchema = z
  .object({
    results: z.array(
      z.union([acceptedSchema.extend({ index: z.int().describe('Position of the item in the request') }), z.object({ index: z.int(), error: problemSchema })]),
    ),
    accepted: z.int(),
    failed: z.int(),
  })
  .describe('202 when every item was accepted, 207 when at least one was not; one result per item, in request order');

export const suppressionSchema = z.object({
  address: z.string(),
  reason: z.enum(['bounce', 'complaint']),
  origin: z.enum(['ses', 'smtp']),
  createdAt: isoTime,
  messageId: z.string().optional(),
  sesMessageId: z.string().optional(),
  feedbackId: z.string().optional(),
  bounceType: z.string().optional(),
  bounceSubType: z.string().optional(),
  diagnosticCode: z.string().optional(),
});

export const bounceSchema = z.object({
  recipient: z.string(),
  feedbackKey: z.string(),
  type: z.enum(['bounce', 'complaint']),
  timestamp: isoTime,
  feedbackId: z.string(),
  origin: z.enum(['ses', 'smtp']),
  recordedAt: isoTime,
  messageId: z.string().optional(),
  sesMessageId: z.string().optional(),
  sentAt: isoTime.optional(),
  from: z.string().optional(),
  subject: z.string().optional(),
  bounceType: z.string().optional(),
  bounceSubType: z.string().optional(),
  diagnosticCode: z.string().optional(),
  status: z.string().optional(),
  action: z.string().optional(),
  reportingMTA: z.string().optional(),
  remoteMtaIp: z.string().optional(),
  complaintFeedbackType: z.string().optional(),
  complaintSubType: z.string().optional(),
  userAgent: z.string().optional(),
  arrivalDate: z.string().optional(),
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
export function present<S extends z.ZodObject>(schema: S, value: z.output<S>): z.output<S> {
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

const list = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), nextCursor: z.string().optional().describe('Pass as `cursor` for the next page; absent on the last page') });

export const suppressionListSchema = list(suppressionSchema);
export const emailListSchema = list(emailSummarySchema);
export const bounceListSchema = list(bounceSchema);

/** Named schemas of the document, by component name. */
// ─── Webhooks ───────────────────────────────────────────────────────────────────────────

const eventType = z.enum(WEBHOOK_EVENT_TYPES);
const webhookFormat = z
  .enum(WEBHOOK_FORMATS)
  .describe("`posthaste`: this payload, Standard Webhooks `webhook-*` headers. `resend`: Resend's payload, the same signature under `svix-*` headers");

export const webhookEndpointSchema = z.object({
  id: z.string(),
  url: z.string().describe('https URL the events are POSTed to'),
  format: webhookFormat.optional().describe('`posthaste` (absent on older endpoints) or `resend`'),
  events: z.array(eventType).describe('Types delivered to it; empty means every type'),
  description: z.string().optional(),
  enabled: z.boolean(),
  disabledReason: z.string().optional().describe('Why it is off: by an operator, or after failing every attempt for a day'),
  disabledAt: isoTime.optional(),
  createdAt: isoTime,
  updatedAt: isoTime,
  consecutiveFailures: z.int().describe('Attempts failed in a row since the last 2xx'),
  failingSince: isoTime.optional(),
});

export const webhookEndpointCreatedSchema = webhookEndpointSchema.extend({
  secret: z.string().describe('`whsec_<base64>`: verify signatures with it. Shown only in this answer'),
});

export const webhookEndpointRequestSchema = z.object({
  url: z.string().max(2048),
  format: webhookFormat.optional(),
  events: z.array(eventType).optional(),
  description: z.string().max(500).optional(),
  enabled: z.boolean().optional(),
});

export const webhookAttemptSchema = z.object({
  at: isoTime,
  durationMs: z.number(),
  statusCode: z.int().optional().describe("The endpoint's HTTP status; absent when it did not answer"),
  reply: z.string().optional().describe('The first kilobyte of the reply'),
  error: z.string().optional(),
});

export const webhookDeliverySchema = z.object({
  endpointId: z.string(),
  deliveryId: z.string(),
  eventId: z.string().describe('The `webhook-id` header of every attempt'),
  eventType,
  messageId: z.string(),
  payload: z.string().describe('The exact body every attempt sends'),
  status: z.enum(['pending', 'succeeded', 'failed']),
  attempts: z.array(webhookAttemptSchema),
  nextAttemptAt: isoTime.optional().describe('While the delivery is pending after a failed attempt: when the next one is due'),
  createdAt: isoTime,
  updatedAt: isoTime,
});

export const webhookEventSchema = z.object({
  type: eventType,
  createdAt: isoTime,
  data: z.object({
    id: z.string().describe('Our message id, as POST /v1/emails returned it'),
    from: z.string(),
    to: z.array(z.string()),
    cc: z.array(z.string()),
    bcc: z.array(z.string()),
    subject: z.string(),
    tags: z.array(z.object({ name: z.string(), value: z.string() })),
    recipients: z.array(z.string()).optional().describe('The recipients this fact concerns'),
    response: z.string().optional().describe("The relay's or SES's own words"),
    detail: z.string().optional().describe('Bounce type/subtype, complaint type, failure reason'),
    link: z.string().optional().describe('email.clicked: the link followed'),
    userAgent: z.string().optional().describe("email.opened, email.clicked: the reader's user agent"),
  }),
});

sameShape<z.output<typeof webhookEndpointSchema>, WebhookEndpoint>(true);
sameShape<z.output<typeof webhookDeliverySchema>, Omit<WebhookDelivery, 'expiresAt' | 'attemptingUntil'>>(true);
sameShape<z.output<typeof webhookEventSchema>['data'], WebhookEvent['data']>(true);

export const feedEventSchema = webhookEventSchema
  .extend({ id: z.string().describe('The event id: the `webhook-id` header its webhook deliveries carry') })
  .describe('A webhook event as GET /v1/events lists it: the body its deliveries POST, with its id');
export const eventFeedSchema = list(feedEventSchema);

export const webhookEndpointListSchema = list(webhookEndpointSchema);
export const webhookDeliveryListSchema = list(webhookDeliverySchema);

// ─── Templates ──────────────────────────────────────────────────────────────────────────

export const templateVersionSchema = z.object({ alias: z.string(), version: z.int().describe('1, 2, 3, …; never reused for this alias') });

export const templateSchema = z.object({
  alias: z.string(),
  version: z.int(),
  subject: z.string(),
  html: z.string().optional(),
  text: z.string().optional(),
  description: z.string().optional(),
  partials: z.record(z.string(), z.string()).optional(),
  createdAt: isoTime.describe('When this version was made'),
});

export const templateSummarySchema = z.object({
  alias: z.string(),
  version: z.int().describe('The latest version'),
  subject: z.string(),
  description: z.string().optional(),
  createdAt: isoTime.describe('When the latest version was made'),
});

export const renderedTemplateSchema = z
  .object({
    alias: z.string(),
    version: z.int(),
    subject: z.string(),
    html: z.string().optional(),
    text: z.string().optional().describe("The template's text, or the one made from its html"),
  })
  .describe('What a send with these variables would carry; nothing was sent');

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
