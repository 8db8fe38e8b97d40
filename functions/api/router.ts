import { PosthasteError } from '../core/errors.js';
import { loadOnce } from '../core/load-once.js';
import type { ApiDeps, RouteHandler } from './deps.js';
import type { HttpRequest, HttpResponse } from './http.js';
import { isResendPath } from './resend/paths.js';
import { sendBatch, sendEmail } from './routes/send.js';

/**
 * A route whose module its first request loads. Sending is the hot path and is in the
 * bundle's first chunk; every other route group (and the zod schemas it builds when its
 * module loads) is a chunk of its own, so a container that only sends never builds them.
 * A failed load is tried again by the next request, not kept.
 */
function later<M>(load: () => Promise<M>, pick: (module: M) => RouteHandler): RouteHandler {
  const handler = loadOnce(() => load().then(pick));
  return async (req, params, deps) => (await handler())(req, params, deps);
}

type Loader<M> = () => Promise<M>;
const emails: Loader<typeof import('./routes/emails.js')> = () => import('./routes/emails.js');
const suppressions: Loader<typeof import('./routes/suppressions.js')> = () => import('./routes/suppressions.js');
const bounces: Loader<typeof import('./routes/bounces.js')> = () => import('./routes/bounces.js');
const events: Loader<typeof import('./routes/events.js')> = () => import('./routes/events.js');
const openapi: Loader<typeof import('./routes/openapi.js')> = () => import('./routes/openapi.js');
const webhooks: Loader<typeof import('./routes/webhooks.js')> = () => import('./routes/webhooks.js');
const templates: Loader<typeof import('./routes/templates.js')> = () => import('./routes/templates.js');
const resend: Loader<typeof import('./resend/routes.js')> = () => import('./resend/routes.js');

const routeResend = later(resend, (m) => (req, _params, deps) => m.routeResend(req, deps));

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
  { method: 'GET', pattern: /^\/v1\/emails\/([0-9A-Za-z-]{1,64})\/?$/, run: later(emails, (m) => m.getEmail) },
  { method: 'GET', pattern: /^\/v1\/emails\/([0-9A-Za-z-]{1,64})\/content\/?$/, run: later(emails, (m) => m.getEmailContent) },
  { method: 'GET', pattern: /^\/v1\/suppressions\/?$/, run: later(suppressions, (m) => m.listSuppressions) },
  { method: 'GET', pattern: /^\/v1\/suppressions\/([^/]{1,1024})\/?$/, run: later(suppressions, (m) => m.getSuppression) },
  { method: 'DELETE', pattern: /^\/v1\/suppressions\/([^/]{1,1024})\/?$/, run: later(suppressions, (m) => m.deleteSuppression) },
  { method: 'GET', pattern: /^\/v1\/bounces\/?$/, run: later(bounces, (m) => m.listBounces) },
  { method: 'POST', pattern: /^\/v1\/emails\/batch\/?$/, run: sendBatch },
  { method: 'DELETE', pattern: /^\/v1\/emails\/([0-9A-Za-z-]{1,64})\/?$/, run: later(emails, (m) => m.cancel) },
  { method: 'GET', pattern: /^\/v1\/openapi\.json$/, run: later(openapi, (m) => m.openApi) },
  { method: 'POST', pattern: /^\/v1\/webhooks\/?$/, run: later(webhooks, (m) => m.createWebhook) },
  { method: 'GET', pattern: /^\/v1\/webhooks\/?$/, run: later(webhooks, (m) => m.listWebhooks) },
  { method: 'GET', pattern: new RegExp(`^/v1/webhooks/${WEBHOOK}/?$`), run: later(webhooks, (m) => m.getWebhook) },
  { method: 'PATCH', pattern: new RegExp(`^/v1/webhooks/${WEBHOOK}/?$`), run: later(webhooks, (m) => m.updateWebhook) },
  { method: 'DELETE', pattern: new RegExp(`^/v1/webhooks/${WEBHOOK}/?$`), run: later(webhooks, (m) => m.deleteWebhook) },
  { method: 'POST', pattern: new RegExp(`^/v1/webhooks/${WEBHOOK}/rotate-secret/?$`), run: later(webhooks, (m) => m.rotateWebhookSecret) },
  { method: 'GET', pattern: new RegExp(`^/v1/webhooks/${WEBHOOK}/deliveries/?$`), run: later(webhooks, (m) => m.listWebhookDeliveries) },
  {
    method: 'POST',
    pattern: new RegExp(`^/v1/webhooks/${WEBHOOK}/deliveries/([0-9A-Za-z_-]{1,80})/retry/?$`),
    run: later(webhooks, (m) => m.retryWebhookDelivery),
  },
  { method: 'GET', pattern: /^\/v1\/emails\/?$/, run: later(emails, (m) => m.listEmails) },
  { method: 'GET', pattern: /^\/v1\/events\/?$/, run: later(events, (m) => m.listEvents) },
  { method: 'POST', pattern: /^\/v1\/templates\/?$/, run: later(templates, (m) => m.createTemplateRoute) },
  { method: 'GET', pattern: /^\/v1\/templates\/?$/, run: later(templates, (m) => m.listTemplatesRoute) },
  { method: 'GET', pattern: new RegExp(`^/v1/templates/${ALIAS}/?$`), run: later(templates, (m) => m.getTemplateRoute) },
  { method: 'PUT', pattern: new RegExp(`^/v1/templates/${ALIAS}/?$`), run: later(templates, (m) => m.putTemplateRoute) },
  { method: 'DELETE', pattern: new RegExp(`^/v1/templates/${ALIAS}/?$`), run: later(templates, (m) => m.deleteTemplateRoute) },
  { method: 'POST', pattern: new RegExp(`^/v1/templates/${ALIAS}/render/?$`), run: later(templates, (m) => m.renderTemplateRoute) },
];

/** The route for a request: 404 when no path matches, 405 when the path exists under another method. */
export async function route(req: HttpRequest, deps: ApiDeps): Promise<HttpResponse> {
  // Outside /v1 is the Resend-compatible surface, which answers in Resend's shapes.
  if (isResendPath(req.path)) return routeResend(req, [], deps);
  const matches = ROUTES.map((r) => ({ r, m: r.pattern.exec(req.path) })).filter((x) => x.m !== null);
  if (matches.length === 0) throw new PosthasteError('not_found', `no route for ${req.path}`);
  const hit = matches.find((x) => x.r.method === req.method);
  if (!hit) throw new PosthasteError('method_not_allowed', `${req.method} is not allowed on ${req.path}`);
  return hit.r.run(req, hit.m!.slice(1), deps);
}
