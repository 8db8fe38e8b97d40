import { resendDelivery } from '../../core/dispatch-webhooks.js';
import { PosthasteError } from '../../core/errors.js';
import { createEndpoint, deleteEndpoint, getEndpoint, rotateSecret, updateEndpoint } from '../../core/webhook-endpoints.js';
import { presentEndpoint } from '../../core/webhook-records.js';
import type { RouteHandler } from '../deps.js';
import { json, readJsonBody } from '../http.js';
import { listResponse, readPage } from '../paging.js';

/** Webhook routes need their own dependencies; a deployment without them answers 404 on these paths. */
function webhooksOf(deps: Parameters<RouteHandler>[2]) {
  if (!deps.webhooks) throw new PosthasteError('not_found', 'webhooks are not configured in this deployment');
  return deps.webhooks;
}

/** POST /v1/webhooks: the endpoint, and its signing secret — shown here only. */
export const createWebhook: RouteHandler = async (req, _params, deps) => {
  const { endpoint, secret } = await createEndpoint(webhooksOf(deps).endpoints, readJsonBody(req) as Record<string, unknown>);
  return json(201, { ...endpoint, secret });
};

/** GET /v1/webhooks: one page of endpoints, without their secrets. */
export const listWebhooks: RouteHandler = async (req, _params, deps) => {
  const page = await webhooksOf(deps).endpoints.endpoints.list(readPage(req, ['id']));
  return listResponse({ ...page, items: page.items.map(presentEndpoint) });
};

export const getWebhook: RouteHandler = async (_req, [id], deps) => json(200, await getEndpoint(webhooksOf(deps).endpoints, id!));

/** PATCH /v1/webhooks/{id}: url, events, description, enabled. */
export const updateWebhook: RouteHandler = async (req, [id], deps) =>
  json(200, await updateEndpoint(webhooksOf(deps).endpoints, id!, readJsonBody(req) as Record<string, unknown>));

export const deleteWebhook: RouteHandler = async (_req, [id], deps) => {
  await deleteEndpoint(webhooksOf(deps).endpoints, id!);
  return { statusCode: 204, headers: {}, body: '' };
};

/** POST /v1/webhooks/{id}/rotate-secret: the new secret; the previous one keeps signing for 24 hours. */
export const rotateWebhookSecret: RouteHandler = async (_req, [id], deps) => {
  const { endpoint, secret } = await rotateSecret(webhooksOf(deps).endpoints, id!);
  return json(200, { ...endpoint, secret });
};

/** GET /v1/webhooks/{id}/deliveries: newest first, each with its attempts. */
export const listWebhookDeliveries: RouteHandler = async (req, [id], deps) => {
  const webhooks = webhooksOf(deps);
  await getEndpoint(webhooks.endpoints, id!);
  const page = await webhooks.dispatch.deliveries.list(id!, readPage(req, ['endpointId', 'deliveryId'], { endpointId: id! }));
  // The TTL and the in-flight claim are bookkeeping; when the next attempt is due is the caller's to see.
  return listResponse({ ...page, items: page.items.map(({ expiresAt: _ttl, attemptingUntil: _claim, ...delivery }) => delivery) });
};

/** POST /v1/webhooks/{id}/deliveries/{deliveryId}/retry: send it again now, with the same webhook-id. */
export const retryWebhookDelivery: RouteHandler = async (_req, [id, deliveryId], deps) => {
  const outcome = await resendDelivery(webhooksOf(deps).dispatch, { endpointId: id!, deliveryId: deliveryId! });
  if (outcome === 'missing') {
    throw new PosthasteError('not_found', `no delivery ${deliveryId} for webhook ${id}`, [{ field: 'deliveryId', message: 'no such delivery' }]);
  }
  return json(202, { endpointId: id, deliveryId, status: 'pending' });
};
