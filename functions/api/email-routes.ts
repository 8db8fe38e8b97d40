import { acceptBatch, readBatch } from '../core/accept-batch.js';
import { cancelEmail } from '../core/cancel-email.js';
import { type HttpRequest, type HttpResponse, json, readJsonBody } from '../core/http.js';
import { withIdempotency } from './idempotency-key.js';
import type { ApiDeps } from './routes.js';

/**
 * POST /v1/emails/batch: 202 when every item was accepted, 207 (Multi-Status) when at
 * least one was not; the body lists one result per item either way. A body that is not a
 * batch at all (not an array, empty, over 100) is a single 422.
 */
export async function sendBatch(req: HttpRequest, _params: string[], deps: ApiDeps): Promise<HttpResponse> {
  const body = readJsonBody(req);
  const items = readBatch(body);
  const { result, headers } = await withIdempotency(req, deps.idempotency, body, () => acceptBatch(deps.accept, deps.scheduling, items));
  return json(result.failed === 0 ? 202 : 207, result, headers);
}

/** DELETE /v1/emails/{id}: cancels a message not yet handed to delivery. */
export async function cancel(_req: HttpRequest, [id]: string[], deps: ApiDeps): Promise<HttpResponse> {
  return json(
    200,
    await cancelEmail({ control: deps.scheduling.control, clock: deps.accept.clock, ...(deps.accept.metrics ? { metrics: deps.accept.metrics } : {}) }, id!),
  );
}
