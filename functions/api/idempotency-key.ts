import { PosthasteError } from '../core/errors.js';
import { type HttpRequest, header } from './http.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The Idempotency-Key header, checked; undefined when the caller sent none. */
export function idempotencyKey(req: HttpRequest): string | undefined {
  const key = header(req, 'idempotency-key');
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new PosthasteError('validation_failed', 'Idempotency-Key must be 1-255 printable ASCII characters', [
      { field: 'Idempotency-Key', message: 'must be 1-255 printable ASCII characters' },
    ]);
  }
  return key;
}

/** Runs `work` under the caller's key (scoped to the caller), or plainly when there is none. */
export async function withIdempotency<T extends object>(
  req: HttpRequest,
  guard: { run<R extends object>(key: string, fingerprint: unknown, work: () => Promise<R>): Promise<R> },
  fingerprint: unknown,
  work: () => Promise<T>,
): Promise<{ result: T; headers: Record<string, string> }> {
  const key = idempotencyKey(req);
  if (key === undefined) return { result: await work(), headers: {} };
  return { result: await guard.run(`${req.principal}:${key}`, fingerprint, work), headers: { 'idempotency-key': key } };
}
