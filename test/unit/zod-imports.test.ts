import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const FUNCTIONS = join(import.meta.dirname, '../../functions');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('function code and cold starts', () => {
  // `import { z } from 'zod'` reaches every schema type and locale through the `z` object,
  // so esbuild keeps all of zod (~440 KB minified) in the Lambda bundle; `import * as z`
  // lets it drop what is unused (~90 KB left). bench/ measures the bundles.
  it('imports zod as a namespace, never as a named `z`', () => {
    const offenders = sources(FUNCTIONS).filter((file) => /import\s*\{[^}]*\bz\b[^}]*\}\s*from\s*['"]zod(\/[\w/]+)?['"]/.test(readFileSync(file, 'utf8')));
    expect(offenders.map((f) => f.slice(FUNCTIONS.length + 1))).toEqual([]);
  });

  // Classic zod builds every schema with its methods attached and weighs three times
  // zod/mini in a bundle; the functions validate with zod/mini. The OpenAPI generator
  // (run by `npm run openapi` and the tests, never bundled) is the one place classic is used.
  it('validates with zod/mini: classic zod only where the OpenAPI document is generated', () => {
    const classic = sources(FUNCTIONS).filter((file) => /from\s*['"]zod['"]/.test(readFileSync(file, 'utf8')));
    expect(classic.map((f) => f.slice(FUNCTIONS.length + 1))).toEqual(['api/openapi.ts']);
  });
});
