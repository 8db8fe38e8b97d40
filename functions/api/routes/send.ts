import { acceptBatch, readBatch } from '../../core/accept-batch.js';
import { acceptEmail } from '../../core/accept-email.js';
import type { RouteHandler } from '../deps.js';
import { json, readJsonBody } from '../http.js';
import { logTo, withIdempotency } from '../idempotency-key.js';
import { keptBatch } from '../kept-batch.js';

/** POST /v1/emails: 202 with the id, queued now or scheduled for `scheduledAt`. */
export const sendEmail: RouteHandler = async (req, _params, deps) => {
  const body = readJsonBody(req);
  const { result, headers } = await withIdempotency(req, deps.idempotency, body, () => acceptEmail(deps.accept, body), { ...logTo(deps) });
  return json(202, result, headers);
};

/**
 * POST /v1/emails/batch: 202 when every item was accepted, 207 (Multi-Status) when at
 * least one was not; the body lists one result per item either way. A body that is not a
 * batch at all (not an array, empty, over 100) is a single 422.
 */
export const sendBatch: RouteHandler = async (req, _params, deps) => {
  const body = readJsonBody(req);
  const items = readBatch(body);
  const { result, headers } = await withIdempotency(req, deps.idempotency, body, () => acceptBatch(deps.accept, items), {
    kept: keptBatch(items, deps.accept),
    ...logTo(deps),
  });
  return json(result.failed === 0 ? 202 : 207, result, headers);
};
