import { enqueueAll, type Outgoing } from './claim-check.js';
import { describeError, type Log } from './log.js';
import type { Clock, EmailQueue, PayloadStore, ScheduleMessages } from './ports.js';
import type { StashedPayload } from './records.js';
import { delaySecondsUntil, MAX_DELAY_SECONDS } from './schedule.js';
import { discardRequest, restoreRequest } from './scheduled-payload.js';

export interface SweepDeps {
  messages: ScheduleMessages;
  queue: Pick<EmailQueue, 'enqueueBatch'>;
  /** Where large scheduled requests wait, and large queue bodies go (claim check); absent locally without a bucket. */
  payloads?: PayloadStore;
  clock: Clock;
  log: Log;
  /**
   * Messages due within this many seconds are queued now with an SQS delay that ends at
   * their due time, so they leave on time even though the sweep runs once a minute.
   * Must be at least the sweep interval (and at most 900, the SQS delay limit).
   */
  lookaheadSeconds: number;
  /** A sweep that took a message and died before queueing it is taken over after this long. */
  retrySeconds: number;
  /** Stop taking new pages after this long (the Lambda's timeout, less a margin). */
  budgetMs?: number;
}

export interface SweepReport {
  /** Messages this sweep queued. */
  enqueued: number;
  /** Taken by another sweep or canceled between the read and the write. */
  lost: number;
  /** Could not be queued now; retried after retrySeconds. */
  deferred: number;
  /** Closed as failed: their stored request could not be read back. */
  failed: number;
}

const PAGE = 100;

/**
 * Moves due scheduled messages to the queue. Every message is taken with a conditional
 * write (scheduled → queued) before it is queued, so two sweeps running at once never
 * queue it twice, and a cancel racing the sweep either wins (nothing is queued) or loses
 * with a 409. The message leaves the schedule index only after the queue accepted it.
 */
export async function sweepScheduled(deps: SweepDeps): Promise<SweepReport> {
  const started = deps.clock.now().getTime();
  const report: SweepReport = { enqueued: 0, lost: 0, deferred: 0, failed: 0 };
  const lookahead = Math.min(deps.lookaheadSeconds, MAX_DELAY_SECONDS) * 1000;
  for (;;) {
    const now = deps.clock.now();
    const horizon = new Date(now.getTime() + lookahead);
    // Past the horizon, so a taken message is not seen again by this sweep or the next.
    const retryAt = new Date(horizon.getTime() + deps.retrySeconds * 1000);
    const due = await deps.messages.due(horizon, PAGE);
    if (due.length === 0) break;

    const entries: Outgoing[] = [];
    const stashedById = new Map<string, StashedPayload>();
    await Promise.all(
      due.map(async (message) => {
        const taken = await deps.messages.take(message, now, retryAt);
        if (!taken) {
          report.lost++;
          return;
        }
        try {
          const request = await restoreRequest(deps.payloads, taken.payload);
          stashedById.set(taken.id, taken.payload);
          const dueAt = new Date(taken.scheduledAt);
          entries.push({ message: { v: 1, id: taken.id, request, dueAt: taken.scheduledAt }, delaySeconds: delaySecondsUntil(dueAt, now) });
        } catch (error) {
          report.failed++;
          deps.log('error', 'scheduled message has no readable request; closed as failed', { messageId: taken.id, error: describeError(error) });
          await deps.messages.finish(taken.id, {
            status: 'failed',
            failure: { kind: 'unreadable', reason: 'scheduled request unreadable' },
            events: [{ type: 'failed', at: now.toISOString(), detail: 'the stored request could not be read back at its due time' }],
          });
          await deps.messages.enqueued(taken.id, retryAt);
        }
      }),
    );

    const failed = entries.length > 0 ? await enqueueAll(deps.queue, deps.payloads, entries) : [];
    const refused = new Set(failed.map((f) => f.id));
    for (const f of failed) {
      deps.log('warn', 'could not queue a due message; the next sweep retries it', {
        messageId: f.id,
        reason: f.reason,
        ...(f.error !== undefined ? { error: describeError(f.error) } : {}),
      });
    }
    await Promise.all(
      entries
        .filter((e) => !refused.has(e.message.id))
        .map(async (e) => {
          await deps.messages.enqueued(e.message.id, retryAt);
          // The queue message carries the request now; a stored copy is no longer needed (lifecycle expiry backs this up).
          const stashed = stashedById.get(e.message.id);
          if (stashed)
            await discardRequest(deps.payloads, stashed).catch((error) =>
              deps.log('warn', 'could not remove a stored scheduled request', { messageId: e.message.id, error: describeError(error) }),
            );
          deps.log('info', 'scheduled message queued', { messageId: e.message.id, dueAt: e.message.dueAt, delaySeconds: e.delaySeconds });
        }),
    );
    report.enqueued += entries.length - refused.size;
    report.deferred += refused.size;
    if (due.length < PAGE) break;
    if (deps.budgetMs !== undefined && deps.clock.now().getTime() - started > deps.budgetMs) break;
  }
  return report;
}
