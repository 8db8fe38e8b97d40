import { runScheduler, type SchedulerDeps, type SchedulerReport } from '../functions/scheduler/sweep-timer.js';

export interface Sweeper {
  sweep(): Promise<SchedulerReport>;
  stop(): Promise<void>;
}

/**
 * What the EventBridge rule does in AWS: run the scheduler sweep (scheduled sends, then the
 * webhook outbox) on a timer. A sweep
 * never overlaps the previous one from the same timer (in AWS two may overlap, which the
 * store's conditional writes make safe; the tests run that case on purpose).
 */
export function startSweeper(deps: SchedulerDeps, intervalMs: number, onReport?: (report: SchedulerReport) => void): Sweeper {
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const sweep = () => runScheduler(deps);
  const tick = () => {
    if (stopped || running) return; // the previous sweep is still going: skip this tick
    running = sweep()
      .then((report) => onReport?.(report))
      .catch((error) => deps.log('warn', 'sweep failed', { error: String(error) }))
      .finally(() => (running = undefined));
  };
  const timer = intervalMs > 0 ? setInterval(tick, intervalMs) : undefined;
  return {
    sweep,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
