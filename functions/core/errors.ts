/**
 * Typed errors with stable codes. The API maps them to RFC 9457 problem documents;
 * callers can branch on `code` without parsing messages.
 */
export type ErrorCode =
  | 'invalid_json'
  | 'unsupported_media_type'
  | 'validation_failed'
  | 'too_many_recipients'
  | 'sender_not_allowed'
  | 'payload_too_large'
  | 'idempotency_key_conflict'
  | 'idempotency_key_in_use'
  | 'not_found'
  | 'not_cancelable'
  | 'template_exists'
  | 'not_reschedulable'
  | 'method_not_allowed'
  | 'service_unavailable'
  | 'internal_error';

export interface FieldIssue {
  /** JSON path of the offending field, e.g. `to[2].email` or `headers.X-Foo`. */
  field: string;
  message: string;
}

const STATUS: Record<ErrorCode, number> = {
  invalid_json: 400,
  unsupported_media_type: 415,
  validation_failed: 422,
  too_many_recipients: 422,
  sender_not_allowed: 403,
  payload_too_large: 413,
  idempotency_key_conflict: 409,
  idempotency_key_in_use: 409,
  not_found: 404,
  not_cancelable: 409,
  template_exists: 409,
  not_reschedulable: 409,
  method_not_allowed: 405,
  service_unavailable: 503,
  internal_error: 500,
};

/** Every code, for the API contract. */
export const ERROR_CODES = Object.keys(STATUS) as ErrorCode[];

const TITLE: Record<ErrorCode, string> = {
  invalid_json: 'The request body is not valid JSON',
  unsupported_media_type: 'The request body must be application/json',
  validation_failed: 'The request is invalid',
  too_many_recipients: 'Too many recipients',
  sender_not_allowed: 'The sender domain is not allowed',
  payload_too_large: 'The message is too large',
  idempotency_key_conflict: 'The Idempotency-Key was already used with a different request',
  idempotency_key_in_use: 'A request with this Idempotency-Key is still being processed',
  not_found: 'Not found',
  not_cancelable: 'The message can no longer be canceled',
  template_exists: 'A template with this alias exists; PUT makes a new version of it',
  not_reschedulable: 'The message is no longer waiting for its scheduled time',
  method_not_allowed: 'Method not allowed',
  service_unavailable: 'The service is temporarily unavailable',
  internal_error: 'Internal error',
};

export class PosthasteError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly issues: FieldIssue[];

  /** `options.cause` keeps the underlying error (a store or queue failure) for the logs; it never reaches the caller. */
  constructor(code: ErrorCode, detail?: string, issues: FieldIssue[] = [], options?: ErrorOptions) {
    super(detail ?? TITLE[code], options);
    this.name = 'PosthasteError';
    this.code = code;
    this.status = STATUS[code];
    this.issues = issues;
  }

  get title(): string {
    return TITLE[this.code];
  }
}

export const invalid = (field: string, message: string): PosthasteError =>
  new PosthasteError('validation_failed', `${field}: ${message}`, [{ field, message }]);

/**
 * How much of a request a problem document may repeat. Field names can be the caller's own
 * keys (a header name, an unknown field) and a body can hold thousands of errors, so every
 * part is cut to size: a document stays a few kilobytes whatever the input, and a batch of
 * 100 stays far below Lambda's 6 MB response limit.
 */
export const PROBLEM_LIMITS = { issues: 10, fieldChars: 100, messageChars: 200, detailChars: 500 } as const;

/** `text` at most `max` UTF-16 units, an ellipsis marking a cut; never splits a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = text.slice(0, max - 1);
  const last = out.charCodeAt(out.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) out = out.slice(0, -1);
  return `${out}\u2026`;
}

/** `to: is required; subject: is required (and 3 more)`: the first issues, in a bounded detail. */
export function describeIssues(issues: readonly FieldIssue[]): string {
  const shown = issues.slice(0, PROBLEM_LIMITS.issues).map((i) => `${i.field}: ${i.message}`);
  const more = issues.length - shown.length;
  return clip(`${shown.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`, PROBLEM_LIMITS.detailChars);
}

/** A 422 for these issues: the first few, bounded, with the count of the rest in `detail`. */
export const validationFailed = (issues: readonly FieldIssue[]): PosthasteError =>
  new PosthasteError('validation_failed', describeIssues(issues), boundIssues(issues));

const boundIssues = (issues: readonly FieldIssue[]): FieldIssue[] =>
  issues
    .slice(0, PROBLEM_LIMITS.issues)
    .map((issue) => ({ field: clip(issue.field, PROBLEM_LIMITS.fieldChars), message: clip(issue.message, PROBLEM_LIMITS.messageChars) }));

/** RFC 9457 problem document. `field` repeats the first issue's field for simple clients. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  field?: string;
  errors?: FieldIssue[];
  instance?: string;
}

/** The document for `error`, every part cut to PROBLEM_LIMITS whoever built the error. */
export function toProblem(error: PosthasteError, instance?: string): Problem {
  const problem: Problem = {
    type: `urn:posthaste:problem:${error.code}`,
    title: error.title,
    status: error.status,
    code: error.code,
    detail: clip(error.message, PROBLEM_LIMITS.detailChars),
  };
  if (error.issues.length > 0) {
    const issues = boundIssues(error.issues);
    problem.field = issues[0]!.field;
    problem.errors = issues;
  }
  if (instance) problem.instance = clip(instance, PROBLEM_LIMITS.fieldChars);
  return problem;
}
