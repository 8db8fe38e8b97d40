import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, readOpenApi, renderApiTypes } from '../../client/write-api-types.js';

const clientDir = new URL('../../client/', import.meta.url);

describe('the client stands on its own', () => {
  it('takes its types from docs/openapi.json (run `npm run openapi` and commit client/api-types.ts)', () => {
    expect(readFileSync(API_TYPES_FILE, 'utf8')).toBe(renderApiTypes(readOpenApi()));
  });

  it('imports nothing from outside client/ but packages (the published declarations would miss it)', () => {
    const outside = readdirSync(clientDir)
      .filter((file) => file.endsWith('.ts') && file !== 'write-api-types.ts')
      .flatMap((file) =>
        [...readFileSync(new URL(file, clientDir), 'utf8').matchAll(/(?:from|import\()\s*'([^']+)'/g)]
          .map((match) => match[1]!)
          .filter((specifier) => specifier.startsWith('../') || specifier.startsWith('#'))
          .map((specifier) => `${file}: ${specifier}`),
      );
    expect(outside).toEqual([]);
  });

  it('refuses a JSON Schema keyword it cannot type, rather than typing it loosely', () => {
    expect(() => renderApiTypes({ components: { schemas: { Odd: { type: 'object', not: {} } as never } } })).toThrow(/keyword "not"/);
  });
});
