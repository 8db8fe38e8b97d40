import { invalid } from '../core/errors.js';
import type { Page, PageRequest } from '../core/ports.js';
import { type HttpRequest, type HttpResponse, json } from './http.js';

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 100;

/** An opaque cursor: the store's position, base64url JSON. */
export const encodeCursor = (position: Record<string, string>): string => Buffer.from(JSON.stringify(position)).toString('base64url');

/** Longer than any cursor this API returns (two keys of at most KEY_BYTES, base64url). */
const MAX_CURSOR_CHARS = 4096;
/** DynamoDB's limit for a sort key (1,024 bytes; a partition key may have 2,048): no position the API returns is longer. */
const KEY_BYTES = 1024;
const LONE_SURROGATE = /\p{Cs}/u;

/** A position value a table could have returned: a non-empty, well-formed string that fits a key. */
const isKeyValue = (value: unknown): value is string =>
  typeof value === 'string' && value !== '' && Buffer.byteLength(value) <= KEY_BYTES && !LONE_SURROGATE.test(value);

/** A `?limit=` value: a whole number from 1 to MAX_PAGE, `fallback` when absent or empty. */
export function readLimit(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw invalid('limit', `must be an integer from 1 to ${MAX_PAGE}`);
  return limit;
}

/**
 * `?limit=` and `?cursor=` as a page request. A cursor is the caller's to forge, so it is
 * checked as input before a store sees it: exactly `fields`, each a value a key can hold
 * (DynamoDB refuses an empty or oversized key with a 400 of its own, which would surface
 * as our 500), and `expect` pins fields that must match the query it came from.
 */
export function readPage(req: HttpRequest, fields: string[], expect: Record<string, string> = {}): PageRequest {
  const limit = readLimit(req.query.limit, DEFAULT_PAGE);
  const cursor = req.query.cursor;
  if (cursor === undefined || cursor === '') return { limit };
  const notOurs = invalid('cursor', 'is not a cursor this API returned for this query');
  if (cursor.length > MAX_CURSOR_CHARS) throw notOurs;
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw notOurs;
  }
  const keys = typeof position === 'object' && position !== null && !Array.isArray(position) ? Object.keys(position) : [];
  const values = position as Record<string, unknown>;
  const shaped = keys.length === fields.length && fields.every((f) => isKeyValue(values[f]));
  if (!shaped || Object.entries(expect).some(([k, v]) => values[k] !== v)) throw notOurs;
  return { limit, after: position as Record<string, string> };
}

/** A page as the API answers it: `data`, and `nextCursor` unless it is the last page. */
export const listResponse = <T>(page: Page<T>): HttpResponse => json(200, { data: page.items, ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}) });
