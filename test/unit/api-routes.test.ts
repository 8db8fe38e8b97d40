import { describe, expect, it } from 'vitest';
import { RESEND_ROUTES } from '../../functions/api/resend/routes.js';
import { ROUTES } from '../../functions/api/router.js';
import { API_ROUTES } from '../../infra/api-routes.js';

/** Every route the api function serves must exist in API Gateway, or callers get 403 "Missing Authentication Token". */
describe('API Gateway routes', () => {
  const sample = (path: string) => path.replace(/\{\w+\}/g, 'abc-123');

  it.each([...ROUTES, ...RESEND_ROUTES].map((r) => [`${r.method} ${r.pattern}`, r] as const))('%s is routed by API Gateway', (_name, route) => {
    const gateway = API_ROUTES.filter((g) => g.method === route.method && route.pattern.test(sample(g.path)));
    expect(gateway.length).toBeGreaterThan(0);
  });

  it('declares no route twice', () => {
    const keys = API_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
