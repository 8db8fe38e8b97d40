import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { type EmitDeps, sweepEmissions } from '../core/emit-events.js';
import type { Metrics } from '../core/metrics.js';
import { type SweepDeps, type SweepReport, sweepScheduled } from '../core/sweep-scheduled.js';

export interface SchedulerDeps extends SweepDeps {
  /** The webhook outbox's sweep: events left behind by a writer that stopped after its write. */
  emissions: EmitDeps;
}

export type SchedulerReport = SweepReport & { eventsEmitted: number };

/** One timer tick: due scheduled sends first, then the outbox. */
export async function runScheduler(deps: SchedulerDeps, budgetMs = deps.budgetMs): Promise<SchedulerReport> {
  const report = await sweepScheduled({ ...deps, ...(budgetMs !== undefined ? { budgetMs } : {}) });
  const emitted = await sweepEmissions(deps.emissions);
  return { ...report, eventsEmitted: emitted.events };
}

/**
 * The scheduler Lambda, run every minute by an EventBridge rule: queues the scheduled
 * messages that are due (or due within the lookahead, with an SQS delay), then emits the
 * webhook events a stopped writer left behind. Every sweep counts what it did, idle ones
 * included, so the metrics show the timer running.
 */
export function createSchedulerHandler(deps: SchedulerDeps, metrics?: Metrics) {
  return middy<ScheduledEvent, SchedulerReport>().handler(async (_event, context: Context) => {
    // Leave room to finish the page in hand before the Lambda's own timeout.
    const budgetMs = Math.max(1000, Math.min(deps.budgetMs ?? Infinity, context.getRemainingTimeInMillis() - 10_000));
    const report = await runScheduler(deps, budgetMs);
    metrics?.count('sweepQueued', report.enqueued);
    metrics?.count('sweepFailed', report.failed);
    metrics?.count('outboxEventsEmitted', report.eventsEmitted);
    if (report.enqueued + report.deferred + report.failed + report.lost + report.eventsEmitted > 0) deps.log('info', 'sweep finished', { ...report });
    return report;
  });
}
