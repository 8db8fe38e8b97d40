/** `npm run openapi`: writes docs/openapi.json from the zod schemas (commit the result). */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderOpenApi } from '../functions/api/openapi.js';

export const OPENAPI_FILE = new URL('../docs/openapi.json', import.meta.url);
export const packageVersion = (): string => (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'))) {
  writeFileSync(OPENAPI_FILE, renderOpenApi(packageVersion()));
  console.log('wrote docs/openapi.json');
}
