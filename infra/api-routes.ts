/**
 * Every route of the HTTP API (v1). Both API Gateway front doors (API keys and IAM) are
 * built from this list, and test/infra checks each of them against it.
 */
export interface ApiRoute {
  /** `ANY`: every method, for paths the function answers itself (the Resend surface's 404s). */
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'ANY';
  /** `{name}` is one segment; `{proxy+}` is the rest of the path. */
  path: string;
  /** The body must be a JSON object or array (checked by API Gateway before the function runs). */
  jsonBody?: boolean;
}

export const API_ROUTES: readonly ApiRoute[] = [
  { method: 'POST', path: '/v1/emails', jsonBody: true },
  { method: 'POST', path: '/v1/emails/batch', jsonBody: true },
  { method: 'GET', path: '/v1/emails/{id}' },
  { method: 'GET', path: '/v1/emails/{id}/content' },
  { method: 'DELETE', path: '/v1/emails/{id}' },
  { method: 'GET', path: '/v1/suppressions' },
  { method: 'GET', path: '/v1/suppressions/{address}' },
  { method: 'DELETE', path: '/v1/suppressions/{address}' },
  { method: 'GET', path: '/v1/bounces' },
  { method: 'GET', path: '/v1/openapi.json' },
  { method: 'POST', path: '/v1/webhooks', jsonBody: true },
  { method: 'GET', path: '/v1/webhooks' },
  { method: 'GET', path: '/v1/webhooks/{id}' },
  { method: 'PATCH', path: '/v1/webhooks/{id}', jsonBody: true },
  { method: 'DELETE', path: '/v1/webhooks/{id}' },
  { method: 'POST', path: '/v1/webhooks/{id}/rotate-secret' },
  { method: 'GET', path: '/v1/webhooks/{id}/deliveries' },
  { method: 'POST', path: '/v1/webhooks/{id}/deliveries/{deliveryId}/retry' },
  { method: 'GET', path: '/v1/emails' },
  { method: 'GET', path: '/v1/events' },
  { method: 'POST', path: '/v1/templates', jsonBody: true },
  { method: 'GET', path: '/v1/templates' },
  { method: 'GET', path: '/v1/templates/{alias}' },
  { method: 'PUT', path: '/v1/templates/{alias}', jsonBody: true },
  { method: 'DELETE', path: '/v1/templates/{alias}' },
  { method: 'POST', path: '/v1/templates/{alias}/render', jsonBody: true },
  // The Resend-compatible surface (functions/api/resend/routes.ts): Resend's email routes, and
  // every other top-level path, so Resend's other resources get Resend's 404 from the function.
  { method: 'POST', path: '/emails', jsonBody: true },
  { method: 'POST', path: '/emails/batch', jsonBody: true },
  { method: 'GET', path: '/emails' },
  { method: 'GET', path: '/emails/{id}' },
  { method: 'PATCH', path: '/emails/{id}', jsonBody: true },
  { method: 'POST', path: '/emails/{id}/cancel' },
  { method: 'ANY', path: '/{resource}' },
  { method: 'ANY', path: '/{resource}/{proxy+}' },
];

/** Path parameters of a route, e.g. `['id']` for `/v1/emails/{id}`. */
export const pathParameters = (path: string): string[] => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
