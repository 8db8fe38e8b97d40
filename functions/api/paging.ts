import { invalid } from '../core/errors.js';
import type { Page, PageRequest } from '../core/ports.js';
import { type HttpRequest, type HttpResponse, json } from './http.js';

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 100;

/** An opaque cursor: the store's position, base64url JSON. */
export const encodeCursor = (position: Record<string, string>): string => Buffer.from(JSON.stringify(position)).toString('base64url');

/**
 * `?limit=` and `?cursor=` as a page request. A cursor must name exactly `fields` (all
 * strings), and `expect` pins fields that must match the query it came from.
 */
export function readPage(req: HttpRequest, fields: string[], expect: Record<string, string> = {}): PageRequest {
  const rawLimit = req.query.limit;
  let limit = DEFAULT_PAGE;
  if (rawLimit !== undefined && rawLimit !== '') {
    limit = Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw invalid('limit', `must be an integer from 1 to ${MAX_PAGE}`);
  }
  const cursor = req.query.cursor;
  if (cursor === undefined || cursor === '') return { limit };
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('cursor', 'is not a cursor this API returned');
  }
  const keys = typeof position === 'object' && position !== null ? Object.keys(position) : [];
  const values = position as Record<string, unknown>;
  const shaped = keys.length === fields.length && fields.every((f) => typeof values[f] === 'string');
  if (!shaped || Object.entries(expect).some(([k, v]) => values[k] !== v)) throw invalid('cursor', 'is not a cursor this API returned for this query');
  return { limit, after: position as Record<string, string> };
}

/** A page as the API answers it: `data`, and `nextCursor` unless it is the last page. */
export const listResponse = <T>(page: Page<T>): HttpResponse => json(200, { data: page.items, ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}) });
