import * as z from 'zod';
import { MAX_BATCH } from '../core/accept-batch.js';
import { ERROR_CODES } from '../core/errors.js';
import { mailbox, sendRequestSchema } from '../core/send-request.js';
import { type MessageStatus, STATUS_RANK } from '../core/status.js';

/**
 * The shapes the API answers with, as zod schemas: the OpenAPI document is generated from
 * these and from the send-request schema, and the typed client takes its types from them.
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
  events: z.array(eventSchema),
});

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

const list = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), nextCursor: z.string().optional().describe('Pass as `cursor` for the next page; absent on the last page') });

export const suppressionListSchema = list(suppressionSchema);
export const bounceListSchema = list(bounceSchema);

/** Named schemas of the document, by component name. */
export const COMPONENTS = {
  Mailbox: mailbox,
  SendEmailRequest: sendRequestSchema,
  SendBatchRequest: batchRequestSchema,
  Accepted: acceptedSchema,
  Email: emailSchema,
  EmailEvent: eventSchema,
  Canceled: canceledSchema,
  BatchResult: batchResultSchema,
  Problem: problemSchema,
  Suppression: suppressionSchema,
  SuppressionList: suppressionListSchema,
  Bounce: bounceSchema,
  BounceList: bounceListSchema,
} as const;

export type Accepted = z.infer<typeof acceptedSchema>;
export type Email = z.infer<typeof emailSchema>;
export type Canceled = z.infer<typeof canceledSchema>;
export type BatchResult = z.infer<typeof batchResultSchema>;
export type ProblemDocument = z.infer<typeof problemSchema>;
export type Suppression = z.infer<typeof suppressionSchema>;
export type SuppressionList = z.infer<typeof suppressionListSchema>;
export type Bounce = z.infer<typeof bounceSchema>;
export type BounceList = z.infer<typeof bounceListSchema>;
