import { PosthasteError } from '../core/errors.js';
import { describeError, type Log } from '../core/log.js';
import type { IdempotencyGuard } from '../core/ports.js';
import type { ApiDeps } from './deps.js';
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

/**
 * What the idempotency record keeps of a response, and how a replay answers from it. A
 * record is one DynamoDB item (400 KB at most), so it keeps ids and codes, never the
 * caller's input; `replay` rebuilds the rest.
 */
export interface KeptResponse<T, K extends object> {
  keep(result: T): K;
  replay(kept: K): T;
}

/** For responses that are already small: kept as they are. */
const asIs = <T extends object>(): KeptResponse<T, T> => ({ keep: (result) => result, replay: (kept) => kept });

/** withIdempotency's `log` option: the accept path's log, when it has one. */
export const logTo = (deps: ApiDeps) => (deps.accept.log ? { log: deps.accept.log } : {});

/**
 * Runs `work` under the caller's key (scoped to the caller), or plainly when there is none.
 * The first call answers its own result; a repeated one answers the replay of what was kept.
 */
export async function withIdempotency<T extends object, K extends object = T>(
  req: HttpRequest,
  guard: IdempotencyGuard,
  fingerprint: unknown,
  work: () => Promise<T>,
  /** `scope` keeps another surface's keys apart (the Resend routes), so one key never replays another shape. */
  options: { kept?: KeptResponse<T, K>; log?: Log; scope?: string } = {},
): Promise<{ result: T; headers: Record<string, string> }> {
  const key = idempotencyKey(req);
  if (key === undefined) return { result: await work(), headers: {} };
  const kept = options.kept ?? (asIs<T>() as unknown as KeptResponse<T, K>);
  let first: T | undefined;
  const stored = await guard.run(
    `${req.principal}:${options.scope ? `${options.scope}:` : ''}${key}`,
    fingerprint,
    async () => {
      first = await work();
      return kept.keep(first);
    },
    (error) =>
      options.log?.('error', 'could not save the response of an Idempotency-Key request; the key stays in use until it expires', {
        error: describeError(error),
      }),
  );
  return { result: first ?? kept.replay(stored), headers: { 'idempotency-key': key } };
}
