import type { HttpResponse } from '../http.js';

let body: Promise<string> | undefined;

/**
 * GET /v1/openapi.json: the committed contract (a test keeps it equal to the schemas). Read
 * on the first request, not at cold start: its 45 KB would otherwise be parsed by every
 * container for a route few callers use (esbuild puts it in a chunk of its own).
 */
export async function openApi(): Promise<HttpResponse> {
  body ??= import('../../../docs/openapi.json', { with: { type: 'json' } }).then((document) => JSON.stringify(document.default));
  return { statusCode: 200, headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' }, body: await body };
}
