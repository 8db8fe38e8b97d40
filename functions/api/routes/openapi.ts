import document from '../../../docs/openapi.json' with { type: 'json' };
import type { HttpResponse } from '../http.js';

const body = JSON.stringify(document);

/** GET /v1/openapi.json: the committed contract (a test keeps it equal to the schemas). */
export async function openApi(): Promise<HttpResponse> {
  return { statusCode: 200, headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' }, body };
}
