import { PosthasteError } from '../core/errors.js';
import type { ApiDeps, RouteHandler } from './deps.js';
import type { HttpRequest, HttpResponse } from './http.js';
import { isResendPath, routeResend } from './resend/routes.js';
import { listBounces } from './routes/bounces.js';
import { cancel, getEmail, getEmailContent, listEmails, sendBatch, sendEmail } from './routes/emails.js';
import { listEvents } from './routes/events.js';
import { openApi } from './routes/openapi.js';
import { deleteSuppression, getSuppression, listSuppressions } from './routes/suppressions.js';
import { createTemplateRoute, deleteTemplateRoute, getTemplateRoute, listTemplatesRoute, putTemplateRoute, renderTemplateRoute } from './routes/templates.js';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhookDeliveries,
  listWebhooks,
  retryWebhookDelivery,
  rotateWebhookSecret,
  updateWebhook,
} from './routes/webhooks.js';

const WEBHOOK = '([0-9A-Za-z_-]{1,64})';
/** A template alias (template-limits.ts); a path that is no alias at all is a 404, like any unknown path. */
const ALIAS = '([A-Za-z0-9][A-Za-z0-9_-]{0,63})';

export interface Route {
  method: string;
  pattern: RegExp;
  run: RouteHandler;
}

/** Every route the api function serves (infra/api-routes.ts must route each one; a test checks). */
export const ROUTES: Route[] = [
  { method: 'POST', pattern: /^\/v1\/emails\/?$/, run: sendEmail },
  { method: 'GET', pattern: /^\/v1\/emails\/([0-9A-Za-z-]{1,64})\/?$/, run: getEmail },
  { method: 'GET', pattern: /^\/v1\/emails\/([0-9A-Za-z-]{1,64})\/content\/?$/, run: getEmailContent },
  { method: 'GET', pattern: /^\/v1\/suppressions\/?$/, run: listSuppressions },
  { method: 'GET', pattern: /^\/v1\/suppressions\/([^/]{1,1024})\/?$/, run: getSuppression },
  { method: 'DELETE', pattern: /^\/v1\/suppressions\/([^/]{1,1024})\/?$/, run: deleteSuppression },
  { method: 'GET', pattern: /^\/v1\/bounces\/?$/, run: listBounces },
  { method: 'POST', pattern: /^\/v1\/emails\/batch\/?$/, run: sendBatch },
  { method: 'DELETE', pattern: /^\/v1\/emails\/([0-9A-Za-z-]{1,64})\/?$/, run: cancel },
  { method: 'GET', pattern: /^\/v1\/openapi\.json$/, run: openApi },
  { method: 'POST', pattern: /^\/v1\/webhooks\/?$/, run: createWebhook },
  { method: 'GET', pattern: /^\/v1\/webhooks\/?$/, run: listWebhooks },
  { method: 'GET', pattern: new RegExp(`^/v1/webhooks/${WEBHOOK}/?$`), run: getWebhook },
  { method: 'PATCH', pattern: new RegExp(`^/v1/webhooks/${WEBHOOK}/?$`), run: updateWebhook },
  { method: 'DELETE', pattern: new RegExp(`^/v1/webhooks/${WEBHOOK}/?$`), run: deleteWebhook },
  { method: 'POST', pattern: new RegExp(`^/v1/webhooks/${WEBHOOK}/rotate-secret/?$`), run: rotateWebhookSecret },
  { method: 'GET', pattern: new RegExp(`^/v1/webhooks/${WEBHOOK}/deliveries/?$`), run: listWebhookDeliveries },
  { method: 'POST', pattern: new RegExp(`^/v1/webhooks/${WEBHOOK}/deliveries/([0-9A-Za-z_-]{1,80})/retry/?$`), run: retryWebhookDelivery },
  { method: 'GET', pattern: /^\/v1\/emails\/?$/, run: listEmails },
  { method: 'GET', pattern: /^\/v1\/events\/?$/, run: listEvents },
  { method: 'POST', pattern: /^\/v1\/templates\/?$/, run: createTemplateRoute },
  { method: 'GET', pattern: /^\/v1\/templates\/?$/, run: listTemplatesRoute },
  { method: 'GET', pattern: new RegExp(`^/v1/templates/${ALIAS}/?$`), run: getTemplateRoute },
  { method: 'PUT', pattern: new RegExp(`^/v1/templates/${ALIAS}/?$`), run: putTemplateRoute },
  { method: 'DELETE', pattern: new RegExp(`^/v1/templates/${ALIAS}/?$`), run: deleteTemplateRoute },
  { method: 'POST', pattern: new RegExp(`^/v1/templates/${ALIAS}/render/?$`), run: renderTemplateRoute },
];

/** The route for a request: 404 when no path matches, 405 when the path exists under another method. */
export async function route(req: HttpRequest, deps: ApiDeps): Promise<HttpResponse> {
  // Outside /v1 is the Resend-compatible surface, which answers in Resend's shapes.
  if (isResendPath(req.path)) return routeResend(req, deps);
  const matches = ROUTES.map((r) => ({ r, m: r.pattern.exec(req.path) })).filter((x) => x.m !== null);
  if (matches.length === 0) throw new PosthasteError('not_found', `no route for ${req.path}`);
  const hit = matches.find((x) => x.r.method === req.method);
  if (!hit) throw new PosthasteError('method_not_allowed', `${req.method} is not allowed on ${req.path}`);
  return hit.r.run(req, hit.m!.slice(1), deps);
}
