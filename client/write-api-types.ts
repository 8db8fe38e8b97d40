/**
 * `npm run openapi` (after docs/openapi.json): writes client/api-types.ts from the OpenAPI
 * document (commit the result; test/unit/client-types.test.ts checks it is up to date).
 *
 * Why generated, not imported: the client is published on its own, so it may not reach into
 * functions/ (whose zod schemas would drag zod and the server's modules into every consumer's
 * type-check). The OpenAPI document is the contract both sides already answer to — it is
 * generated from those zod schemas and checked against the running handlers — so types
 * generated from it say exactly what the wire carries, and nothing else.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';

export const API_TYPES_FILE = new URL('./api-types.ts', import.meta.url);
const OPENAPI_FILE = new URL('../docs/openapi.json', import.meta.url);

const HEADER = `// Generated from docs/openapi.json by client/write-api-types.ts (\`npm run openapi\`). Do not edit.\n\n`;

/** The TypeScript source for the document's schemas and operations. */
export async function renderApiTypes(document: string = readFileSync(OPENAPI_FILE, 'utf8')): Promise<string> {
  // Fields with a default (e.g. an attachment's contentType) stay optional: these types are
  // what a caller may send as well as what the API answers.
  const ast = await openapiTS(JSON.parse(document) as OpenAPI3, { defaultNonNullable: false });
  return HEADER + astToString(ast);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'))) {
  writeFileSync(API_TYPES_FILE, await renderApiTypes());
  console.log('wrote client/api-types.ts');
}
