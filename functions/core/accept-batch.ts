import { type AcceptDeps, type AcceptedEmail, acceptItems, completeItems, type ReadItem, readSendItem, type SendItem } from './accept-email.js';
import { describeIssues, invalid, PosthasteError, type Problem, toProblem } from './errors.js';
import { describeError } from './log.js';

export const MAX_BATCH = 100;

export type BatchItemResult = ({ index: number } & AcceptedEmail) | { index: number; error: Problem };

/**
 * One result per item, in request order. The HTTP status is 202 when every item was
 * accepted and 207 otherwise; the body has the same shape either way.
 */
export interface BatchResult {
  results: BatchItemResult[];
  accepted: number;
  failed: number;
}

/** `[3].to[1].email` from `to[1].email`: the item's index leads every field name. */
export function itemField(index: number, field: string): string {
  if (field === '(body)' || field === '') return `[${index}]`;
  return field.startsWith('[') ? `[${index}]${field}` : `[${index}].${field}`;
}

/** The item's problem; a fault of ours is logged here with its cause, since it is answered, not thrown. */
function itemError(deps: Pick<AcceptDeps, 'log'>, index: number, error: unknown): { index: number; error: Problem } {
  const known =
    error instanceof PosthasteError ? error : new PosthasteError('internal_error', 'an internal error occurred; it has been logged', [], { cause: error });
  if (known.status >= 500) deps.log?.('error', known.message, { code: known.code, batchIndex: index, error: describeError(known.cause ?? known) });
  return { index, error: itemProblem(index, known) };
}

/** `error` as batch item `index`'s own: its fields prefixed with `[index]`. */
export function asItemError(index: number, error: PosthasteError): PosthasteError {
  const issues = error.issues.map((issue) => ({ ...issue, field: itemField(index, issue.field) }));
  const detail = issues.length > 0 ? describeIssues(issues) : `[${index}]: ${error.message}`;
  return new PosthasteError(error.code, detail, issues, { cause: error });
}

/** `error` as the problem of batch item `index`: its fields prefixed with `[index]`. */
export const itemProblem = (index: number, error: PosthasteError): Problem => toProblem(asItemError(index, error));

/** The batch as a whole: a JSON array of 1-100 send requests. Anything else is one 422. */
export function readBatch(body: unknown): unknown[] {
  if (!Array.isArray(body)) throw invalid('(body)', `must be a JSON array of 1-${MAX_BATCH} emails`);
  if (body.length === 0) throw invalid('(body)', 'must hold at least one email');
  if (body.length > MAX_BATCH) throw invalid('(body)', `holds ${body.length} emails; the limit is ${MAX_BATCH}`);
  return body;
}

/**
 * Accepts every valid item of a batch through the same per-item path as a single send; an
 * invalid one gets a problem naming its index and field and does not stop the others.
 */
export async function acceptBatch(deps: AcceptDeps, items: unknown[]): Promise<BatchResult> {
  const now = deps.clock.now();
  const results: BatchItemResult[] = [];
  const read: ReadItem[] = [];
  items.forEach((item, index) => {
    try {
      read.push({ ...readSendItem(deps, item, now), index });
    } catch (error) {
      results.push(itemError(deps, index, error));
    }
  });
  const valid: SendItem[] = [];
  (await completeItems(deps, read)).forEach((completed, i) => {
    if ('item' in completed) valid.push(completed.item);
    else results.push(itemError(deps, read[i]!.index!, completed.error));
  });
  const outcomes = await acceptItems(deps, valid);
  outcomes.forEach((outcome, i) => {
    const index = valid[i]!.index!;
    results.push('error' in outcome ? itemError(deps, index, outcome.error) : { index, ...outcome.accepted });
  });
  results.sort((a, b) => a.index - b.index);
  const failed = results.filter((r) => 'error' in r).length;
  return { results, accepted: results.length - failed, failed };
}
