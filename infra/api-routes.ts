/**
 * Every route of the HTTP API (v1). Both API Gateway front doors (API keys and IAM) are
 * built from this list, and test/infra checks each of them against it.
 */
export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
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
];

/** Path parameters of a route, e.g. `['id']` for `/v1/emails/{id}`. */
export const pathParameters = (path: string): string[] => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
