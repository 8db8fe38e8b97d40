import { enqueueAll, type Outgoing } from './claim-check.js';
import { describeError, type Log } from './log.js';
import type { Metrics } from './metrics.js';
import type { Clock, EmailQueue, PayloadStore, ScheduleMessages } from './ports.js';
import type { StashedPayload } from './records.js';
import { delaySecondsUntil, MAX_DELAY_SECONDS } from './schedule.js';
import { discardRequest, restoreRequest } from './scheduled-payload.js';

/**
 * Sweeps that may each fail to hand a due message to the queue before it is closed as
 * failed: a refusal that lasts this long (about five minutes in AWS) is not a passing
 * outage, and a message must end in one terminal status rather than loop forever.
 */
export const MAX_HAND_OFFS = 5;

export interface SweepDeps {
  messages: ScheduleMessages;
  metrics?: Metrics;
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
  /** Closed as failed: their stored request could not be read back, or the queue refused them MAX_HAND_OFFS times. */
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
    const handOffsById = new Map<string, number>();
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
          handOffsById.set(taken.id, taken.handOffs);
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
          deps.metrics?.count('failed');
        }
      }),
    );

    const failed = entries.length > 0 ? await enqueueAll(deps.queue, deps.payloads, entries) : [];
    const refused = new Set(failed.map((f) => f.id));
    let givenUp = 0;
    for (const f of failed) {
      const handOffs = handOffsById.get(f.id) ?? 1;
      const error = f.error !== undefined ? { error: describeError(f.error) } : {};
      if (handOffs < MAX_HAND_OFFS) {
        deps.log('warn', 'could not queue a due message; the next sweep retries it', { messageId: f.id, reason: f.reason, handOffs, ...error });
        continue;
      }
      givenUp++;
      deps.log('error', 'the queue refused a due message at every sweep; closed as failed', { messageId: f.id, reason: f.reason, handOffs, ...error });
      const reason = `the queue refused it at ${handOffs} sweeps: ${f.reason}`;
      await deps.messages.finish(f.id, {
        status: 'failed',
        failure: { kind: 'enqueue_failed', reason },
        events: [{ type: 'failed', at: now.toISOString(), detail: reason }],
      });
      await deps.messages.enqueued(f.id, retryAt);
      deps.metrics?.count('failed');
    }
    await Promise.all(
      entries
        .filter((e) => !refused.has(e.message.id))
        .map(async (e) => {
          await deps.messages.enqueued(e.message.id, retryAt, { type: 'queued', at: now.toISOString(), detail: 'due: handed to the queue' });
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
    report.deferred += refused.size - givenUp;
    report.failed += givenUp;
    if (due.length < PAGE) break;
    if (deps.budgetMs !== undefined && deps.clock.now().getTime() - started > deps.budgetMs) break;
  }
  return report;
}
