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

/** JSON body or a 400/415 naming what is wrong with it. */
export function readJsonBody(req: HttpRequest): unknown {
  const type = header(req, 'content-type');
  if (type !== undefined && !/^application\/([\w.+-]+\+)?json\b/i.test(type.trim())) {
    throw new PosthasteError('unsupported_media_type', `content-type ${type} is not application/json`);
  }
  if (req.body === null || req.body.trim() === '')
    throw new PosthasteError('invalid_json', 'the request has no body', [{ field: '(body)', message: 'is empty' }]);
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
