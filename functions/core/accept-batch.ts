import { type AcceptDeps, newRecord } from './accept-email.js';
import { type AcceptedEmail, acceptScheduled, type SchedulingDeps } from './accept-scheduled.js';
import { invalid, PosthasteError, type Problem, toProblem } from './errors.js';
import { readScheduledAt } from './schedule.js';
import { type EmailRequest, parseSendRequest } from './send-request.js';
import { checkSender } from './sender-policy.js';

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

function itemError(index: number, error: unknown): { index: number; error: Problem } {
  const known = error instanceof PosthasteError ? error : new PosthasteError('internal_error', 'an internal error occurred; it has been logged');
  const issues = known.issues.map((issue) => ({ ...issue, field: itemField(index, issue.field) }));
  const detail = issues.length > 0 ? issues.map((i) => `${i.field}: ${i.message}`).join('; ') : `[${index}]: ${known.message}`;
  return { index, error: toProblem(new PosthasteError(known.code, detail, issues)) };
}

/** The batch as a whole: a JSON array of 1-100 send requests. Anything else is one 422. */
export function readBatch(body: unknown): unknown[] {
  if (!Array.isArray(body)) throw invalid('(body)', `must be a JSON array of 1-${MAX_BATCH} emails`);
  if (body.length === 0) throw invalid('(body)', 'must hold at least one email');
  if (body.length > MAX_BATCH) throw invalid('(body)', `holds ${body.length} emails; the limit is ${MAX_BATCH}`);
  return body;
}

/** Runs `work` over `items`, at most `limit` at a time, keeping the order of results. */
async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += limit) results.push(...(await Promise.all(items.slice(i, i + limit).map(work))));
  return results;
}

interface Valid {
  index: number;
  request: EmailRequest;
  scheduledAt?: Date;
}

/**
 * Accepts every valid item of a batch; an invalid one gets a problem naming its index and
 * field and does not stop the others. Records are written `queued` before the queue sees
 * them; the immediate items go out in SQS batches, and one the queue still refuses after
 * retries is reported failed and its record closed as failed, never left in flight.
 */
export async function acceptBatch(accept: AcceptDeps, scheduling: SchedulingDeps, items: unknown[]): Promise<BatchResult> {
  const now = accept.clock.now();
  const results: BatchItemResult[] = [];
  const valid: Valid[] = [];
  items.forEach((item, index) => {
    try {
      const request = parseSendRequest(item);
      checkSender(request, accept.allowedSenderDomains ?? []);
      const scheduledAt = readScheduledAt(item, now);
      valid.push({ index, request, ...(scheduledAt ? { scheduledAt } : {}) });
    } catch (error) {
      results.push(itemError(index, error));
    }
  });

  const scheduled = valid.filter((v) => v.scheduledAt !== undefined);
  const immediate = valid.filter((v) => v.scheduledAt === undefined);

  for (const outcome of await mapLimit(scheduled, 25, async (v) => {
    try {
      return { index: v.index, ...(await acceptScheduled(accept, scheduling, v.request, v.scheduledAt!)) };
    } catch (error) {
      return itemError(v.index, error);
    }
  }))
    results.push(outcome);

  const at = now.toISOString();
  const recorded: { index: number; id: string; request: EmailRequest }[] = [];
  for (const outcome of await mapLimit(immediate, 25, async (v) => {
    const id = accept.newId();
    try {
      await accept.store.create(newRecord(id, v.request, at));
      return { index: v.index, id, request: v.request };
    } catch {
      return itemError(v.index, new PosthasteError('service_unavailable', 'could not record the message; nothing was queued, send it again'));
    }
  })) {
    if ('error' in outcome) results.push(outcome);
    else recorded.push(outcome);
  }

  if (recorded.length > 0) {
    const { failed } = await scheduling.batchQueue.enqueueBatch(recorded.map((r) => ({ message: { v: 1, id: r.id, request: r.request } })));
    const refused = new Map(failed.map((f) => [f.id, f.reason]));
    await mapLimit(recorded, 25, async (r) => {
      const reason = refused.get(r.id);
      if (reason === undefined) {
        accept.log?.('info', 'accepted', { messageId: r.id, batchIndex: r.index });
        results.push({ index: r.index, id: r.id, status: 'queued' });
        return;
      }
      await accept.store
        .finish(r.id, {
          status: 'failed',
          failureReason: 'enqueue_failed',
          events: [{ type: 'failed', at, detail: `the queue refused the message (${reason}); the batch reported it failed` }],
        })
        .catch(() => undefined);
      results.push(itemError(r.index, new PosthasteError('service_unavailable', 'could not queue the message; nothing was sent, send it again')));
    });
    accept.metrics?.count('accepted', recorded.length - refused.size);
  }

  results.sort((a, b) => a.index - b.index);
  const failedCount = results.filter((r) => 'error' in r).length;
  return { results, accepted: results.length - failedCount, failed: failedCount };
}
