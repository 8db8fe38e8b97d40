/**
 * Writes client/api-types.ts from docs/openapi.json (`npm run openapi` runs it after writing
 * the document; a unit test fails when the committed file is stale).
 *
 * Why generate instead of importing the server's zod schemas: the client is published on its
 * own (`posthaste/client`), and its declarations must not pull in the server's code or zod.
 * The OpenAPI document is already the contract the server is tested against, so the types a
 * consumer compiles with come from the same document, as plain TypeScript. The document uses
 * a small part of JSON Schema (type, properties, required, items, anyOf, enum, const,
 * additionalProperties, $ref); anything else is refused here rather than typed loosely.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const API_TYPES_FILE = new URL('./api-types.ts', import.meta.url);
const OPENAPI_FILE = new URL('../docs/openapi.json', import.meta.url);

interface Schema {
  $ref?: string;
  type?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
}

/** Keywords that only constrain values (checked by the server), not the shape. */
const VALUE_ONLY = new Set([
  'description',
  'maxLength',
  'minLength',
  'maxItems',
  'minItems',
  'minimum',
  'maximum',
  'pattern',
  'format',
  'default',
  'propertyNames',
]);
const SHAPE = new Set(['$ref', 'type', 'properties', 'required', 'additionalProperties', 'items', 'anyOf', 'oneOf', 'enum', 'const']);

const doc = (text: string | undefined) => (text ? `/** ${text.replaceAll('*/', '*\\/')} */\n` : '');
const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));

function typeOf(schema: Schema, where: string): string {
  for (const keyword of Object.keys(schema)) {
    if (!SHAPE.has(keyword) && !VALUE_ONLY.has(keyword)) throw new Error(`${where}: JSON Schema keyword "${keyword}" is not supported by this generator`);
  }
  if (schema.$ref) return schema.$ref.replace(/^#\/components\/schemas\//, '');
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map((s, i) => typeOf(s, `${where}|${i}`)).join(' | ');
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      const item = schema.items ? typeOf(schema.items, `${where}[]`) : 'unknown';
      return /[|&]/.test(item) ? `Array<${item}>` : `${item}[]`;
    }
    case 'object':
    case undefined:
      return objectType(schema, where);
    default:
      throw new Error(`${where}: type "${schema.type}" is not supported by this generator`);
  }
}

function objectType(schema: Schema, where: string): string {
  const extra = typeof schema.additionalProperties === 'object' ? `Record<string, ${typeOf(schema.additionalProperties, `${where}.*`)}>` : undefined;
  if (!schema.properties) return extra ?? (schema.type === 'object' ? 'Record<string, unknown>' : 'unknown');
  const required = new Set(schema.required ?? []);
  // `| undefined` on optional members: JSON leaves such a member out, and a caller with
  // exactOptionalPropertyTypes can still pass `{ text: maybeText }`.
  const members = Object.entries(schema.properties).map(([name, property]) => {
    const type = typeOf(property, `${where}.${name}`);
    return `${doc(property.description)}${key(name)}${required.has(name) ? `: ${type}` : `?: ${type} | undefined`};`;
  });
  const shape = `{\n${members.join('\n')}\n}`;
  return extra ? `${shape} & ${extra}` : shape;
}

/** The module text, formatted the way the repository's formatter writes it. */
export function renderApiTypes(openApi: { components: { schemas: Record<string, Schema> } }): string {
  const declarations = Object.entries(openApi.components.schemas).map(
    ([name, schema]) => `${doc(schema.description)}export type ${name} = ${typeOf(schema, name)};`,
  );
  const text = `// Generated from docs/openapi.json by client/write-api-types.ts (\`npm run openapi\`). Do not edit.\n\n${declarations.join('\n\n')}\n`;
  return execFileSync(process.execPath, [biomeBin(), 'format', '--stdin-file-path=client/api-types.ts'], { input: text, encoding: 'utf8' });
}

const biomeBin = () => fileURLToPath(new URL('../node_modules/@biomejs/biome/bin/biome', import.meta.url));

export const readOpenApi = () => JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as Parameters<typeof renderApiTypes>[0];

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(API_TYPES_FILE, renderApiTypes(readOpenApi()));
  console.log('wrote client/api-types.ts');
}
