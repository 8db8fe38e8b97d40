import { type BatchItemResult, type BatchResult, itemProblem } from '../core/accept-batch.js';
import { type AcceptDeps, readSendItem } from '../core/accept-email.js';
import { type ErrorCode, PosthasteError, toProblem } from '../core/errors.js';
import type { KeptResponse } from './idempotency-key.js';

/**
 * A batch result as the idempotency record keeps it: for an accepted item its id, for a
 * refused one its code and first field (both already cut to size), never the caller's
 * input. A batch of 100 hostile items keeps a few tens of kilobytes.
 */
type KeptItem =
  | { i: number; id: string; status: 'queued' | 'scheduled'; scheduledAt?: string }
  /** `field` when the item was refused for its content; `detail` (our own words) otherwise. */
  | { i: number; code: ErrorCode; field?: string; detail?: string };

export interface KeptBatch {
  results: KeptItem[];
}

function keepItem(result: BatchItemResult): KeptItem {
  if (!('error' in result))
    return { i: result.index, id: result.id, status: result.status, ...(result.scheduledAt ? { scheduledAt: result.scheduledAt } : {}) };
  const { code, field, detail } = result.error;
  return { i: result.index, code, ...(field !== undefined ? { field } : { detail }) };
}

/**
 * Rebuilds a refused item's problem: the body is the same one (the key's fingerprint
 * says so), so checking the item again gives its full problem back. When it no longer
 * fails the same way (a `scheduledAt` the clock has since passed), the kept code and
 * field still say what was refused.
 */
function replayItem(kept: KeptItem, items: unknown[], deps: Pick<AcceptDeps, 'allowedSenderDomains' | 'clock'>): BatchItemResult {
  if (!('code' in kept)) return { index: kept.i, id: kept.id, status: kept.status, ...(kept.scheduledAt ? { scheduledAt: kept.scheduledAt } : {}) };
  if (kept.field === undefined) return { index: kept.i, error: toProblem(new PosthasteError(kept.code, kept.detail)) };
  try {
    readSendItem(deps, items[kept.i], deps.clock.now());
  } catch (error) {
    if (error instanceof PosthasteError && error.code === kept.code) return { index: kept.i, error: itemProblem(kept.i, error) };
  }
  return { index: kept.i, error: toProblem(new PosthasteError(kept.code, `${kept.field}: was refused`, [{ field: kept.field, message: 'was refused' }])) };
}

export const keptBatch = (items: unknown[], deps: Pick<AcceptDeps, 'allowedSenderDomains' | 'clock'>): KeptResponse<BatchResult, KeptBatch> => ({
  keep: (result) => ({ results: result.results.map(keepItem) }),
  replay: (kept) => {
    const results = kept.results.map((item) => replayItem(item, items, deps));
    const failed = results.filter((r) => 'error' in r).length;
    return { results, accepted: results.length - failed, failed };
  },
});
