import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import type { Metrics } from '../core/metrics.js';
import { type SweepDeps, type SweepReport, sweepScheduled } from '../core/sweep-scheduled.js';

/**
 * The scheduler Lambda, run every minute by an EventBridge rule: queues the scheduled
 * messages that are due (or due within the lookahead, with an SQS delay). Every sweep
 * counts what it did, idle ones included, so the metrics show the timer running.
 */
export function createSchedulerHandler(deps: SweepDeps, metrics?: Metrics) {
  return middy<ScheduledEvent, SweepReport>().handler(async (_event, context: Context) => {
    // Leave room to finish the page in hand before the Lambda's own timeout.
    const budgetMs = Math.max(1000, Math.min(deps.budgetMs ?? Infinity, context.getRemainingTimeInMillis() - 10_000));
    const report = await sweepScheduled({ ...deps, budgetMs });
    metrics?.count('sweepQueued', report.enqueued);
    metrics?.count('sweepFailed', report.failed);
    if (report.enqueued + report.deferred + report.failed + report.lost > 0) deps.log('info', 'sweep finished', { ...report });
    return report;
  });
}
