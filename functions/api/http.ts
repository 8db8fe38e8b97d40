import { normalizeEmail } from '../core/address.js';
import { invalid, PosthasteError, toProblem } from '../core/errors.js';
import { addressKey } from '../core/feedback.js';

/** The parts of an API Gateway proxy event the API reads; the local runner builds the same. */
export interface HttpRequest {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  body: string | null;
  /** Who is calling (API key id or IAM principal); scopes idempotency keys. */
  principal: string;
  requestId: string;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export function problemResponse(error: PosthasteError, instance?: string): HttpResponse {
  return {
    statusCode: error.status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify(toProblem(error, instance)),
  };
}

/** A header by name, whatever its case (API Gateway passes them as the client sent them). */
export const headerIn = (headers: Record<string, string | undefined> | null | undefined, name: string): string | undefined => {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers ?? {})) if (key.toLowerCase() === lower) return value;
  return undefined;
};

export const header = (req: HttpRequest, name: string): string | undefined => headerIn(req.headers, name);

/**
 * No request this API takes nests deeper than a few levels (a batch, an item, its
 * attachments); a body nested deeper is refused before anything walks it, since a walk
 * that recurses (hashing for Idempotency-Key, a schema) runs out of stack.
 */
export const MAX_JSON_DEPTH = 32;

/** Whether the JSON text nests arrays and objects deeper than `max`; brackets inside strings do not count. */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

/**
 * The JSON body, or the 415/400 naming what is wrong with it. The content type is
 * required: a browser sends a body without one (or as text/plain or a form) from any web
 * page without asking first, and this API must not take mail from such a request.
 */
export function readJsonBody(req: HttpRequest): unknown {
  const type = header(req, 'content-type');
  if (type === undefined || !JSON_TYPE.test(type.trim())) {
    const detail = type === undefined ? 'the request has no content-type' : `content-type ${type} is not application/json`;
    throw new PosthasteError('unsupported_media_type', `${detail}; send content-type: application/json`, [
      { field: 'content-type', message: 'must be application/json' },
    ]);
  }
  if (req.body === null || req.body.trim() === '')
    throw new PosthasteError('invalid_json', 'the request has no body', [{ field: '(body)', message: 'is empty' }]);
  if (nestsDeeperThan(req.body, MAX_JSON_DEPTH)) {
    const message = `is nested more than ${MAX_JSON_DEPTH} levels deep`;
    throw new PosthasteError('invalid_json', `the body ${message}`, [{ field: '(body)', message }]);
  }
  try {
    return JSON.parse(req.body);
  } catch (error) {
    throw new PosthasteError('invalid_json', `the body is not valid JSON: ${(error as Error).message}`, [{ field: '(body)', message: 'is not valid JSON' }]);
  }
}

/** An address from a query or path: validated, then in the lower case the tables key on. */
export function readAddress(raw: string | undefined, field: string): string {
  if (raw === undefined || raw === '') throw invalid(field, 'is required');
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw invalid(field, 'is not valid percent-encoding');
  }
  const checked = normalizeEmail(decoded);
  if (!checked.ok) throw invalid(field, checked.reason);
  return addressKey(checked.mailbox.email);
}
