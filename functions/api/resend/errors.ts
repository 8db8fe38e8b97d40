/**
 * Errors as Resend answers them: `{statusCode, name, message}` with one of Resend's
 * published error names, which the `resend` SDK hands to the app as `{error}`. Our typed
 * errors (core/errors.ts) map onto them here, and only here; field names are written the
 * way the caller wrote them (`reply_to`, `attachments[0].content_type`).
 */
import { clip, type FieldIssue, PosthasteError, PROBLEM_LIMITS } from '../../core/errors.js';
import type { HttpResponse } from '../http.js';

/** The names of Resend's error table this surface answers with. */
export type ResendErrorName =
  | 'validation_error'
  | 'missing_required_field'
  | 'invalid_idempotency_key'
  | 'invalid_idempotent_request'
  | 'concurrent_idempotent_requests'
  | 'invalid_attachment'
  | 'not_found'
  | 'method_not_allowed'
  | 'application_error'
  | 'internal_server_error';

export interface ResendErrorBody {
  statusCode: number;
  name: ResendErrorName;
  message: string;
}

/** An error already in Resend's terms (raised by this surface itself: an attachment URL, an unknown path). */
export class ResendError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorName: ResendErrorName,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ResendError';
  }
}

export const resendErrorResponse = (body: ResendErrorBody): HttpResponse => ({
  statusCode: body.statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** Our field paths in the caller's snake_case: `replyTo` → `reply_to`, `attachments[0].contentType` → `attachments[0].content_type`. */
const SNAKE: Record<string, string> = { replyTo: 'reply_to', contentType: 'content_type', contentId: 'content_id', scheduledAt: 'scheduled_at' };
const snakeField = (field: string): string => field.replace(/[A-Za-z]+/g, (word) => SNAKE[word] ?? word);

/** The message Resend's own validation writes for one field: "Missing `to` field." or "Invalid `to` field: …". */
function describe(issue: FieldIssue): string {
  const field = snakeField(issue.field);
  if (issue.message === 'is required') return `Missing \`${field}\` field.`;
  return `Invalid \`${field}\` field: ${issue.message}.`;
}

/** The schema's words for an attachment with neither (or both) of `content` and `path`: Resend's `invalid_attachment`. */
export const ATTACHMENT_SOURCE = 'must have either a content or a path';

const isMissing = (issue: FieldIssue): boolean => / is required$|^is required$/.test(issue.message);

/** Every issue, the first deciding the name (a missing field is Resend's `missing_required_field`). */
function fromIssues(issues: readonly FieldIssue[], fallback: string): ResendErrorBody {
  const first = issues[0];
  if (!first) return { statusCode: 422, name: 'validation_error', message: clip(fallback, PROBLEM_LIMITS.detailChars) };
  const shown = issues.slice(0, PROBLEM_LIMITS.issues).map(describe);
  const more = issues.length - shown.length;
  const message = clip(`${shown.join(' ')}${more > 0 ? ` (and ${more} more)` : ''}`, PROBLEM_LIMITS.detailChars);
  if (first.field === 'Idempotency-Key')
    return { statusCode: 400, name: 'invalid_idempotency_key', message: 'The key must be between 1-255 printable ASCII characters.' };
  if (first.message === ATTACHMENT_SOURCE) return { statusCode: 422, name: 'invalid_attachment', message };
  return { statusCode: 422, name: isMissing(first) ? 'missing_required_field' : 'validation_error', message };
}

/** Resend's name and status for each of our codes; the message is ours (it names the field). */
function fromPosthaste(error: PosthasteError): ResendErrorBody {
  const message = clip(error.message, PROBLEM_LIMITS.detailChars);
  switch (error.code) {
    case 'validation_failed':
    case 'too_many_recipients':
      return fromIssues(error.issues, error.message);
    case 'invalid_json':
    case 'unsupported_media_type':
      return { statusCode: 400, name: 'validation_error', message };
    case 'sender_not_allowed':
      // Resend answers a `from` outside the verified domains with 403 validation_error.
      return { statusCode: 403, name: 'validation_error', message };
    case 'payload_too_large':
      return { statusCode: 413, name: 'validation_error', message };
    case 'idempotency_key_conflict':
      return { statusCode: 409, name: 'invalid_idempotent_request', message: 'Same idempotency key used with a different request payload.' };
    case 'idempotency_key_in_use':
      return { statusCode: 409, name: 'concurrent_idempotent_requests', message: 'Same idempotency key used while original request is still in progress.' };
    case 'not_found':
      return { statusCode: 404, name: 'not_found', message };
    case 'template_exists':
      return { statusCode: 409, name: 'validation_error', message };
    case 'method_not_allowed':
      return { statusCode: 405, name: 'method_not_allowed', message };
    case 'not_cancelable':
    case 'not_reschedulable':
      return { statusCode: 409, name: 'validation_error', message };
    case 'service_unavailable':
      return { statusCode: 503, name: 'application_error', message };
    case 'internal_error':
      return { statusCode: 500, name: 'internal_server_error', message };
  }
}

/** Any error as Resend's body; what is not ours to explain is a 500 that says it was logged. */
export function toResendError(error: unknown): ResendErrorBody {
  if (error instanceof ResendError) return { statusCode: error.statusCode, name: error.errorName, message: clip(error.message, PROBLEM_LIMITS.detailChars) };
  if (error instanceof PosthasteError) return fromPosthaste(error);
  return { statusCode: 500, name: 'internal_server_error', message: 'An internal error occurred; it has been logged.' };
}
