import { idOf } from './check-out.js';
import type { Clock, DeadLetterQueue, MessageStore } from './ports.js';

export interface RedriveReport {
  /** Queue messages moved back to the send queue. */
  moved: number;
  /** Of those, records put back from `failed` (retries exhausted) to `queued`. */
  requeued: number;
  /** Left in the DLQ because sending them back failed. */
  failed: number;
}

/**
 * Moves dead letters back to the send queue. A message whose status was closed as
 * `failed` because its retries ran out is reset to `queued` first; otherwise the deliver
 * worker would see a finished message and drop the redriven copy.
 */
export async function redriveDeadLetters(
  deps: { dlq: DeadLetterQueue; messages: Pick<MessageStore, 'requeueExhausted'>; clock: Clock },
  options: { limit?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<RedriveReport> {
  const report: RedriveReport = { moved: 0, requeued: 0, failed: 0 };
  let total = await deps.dlq.approximateCount();
  if (options.limit !== undefined) total = Math.min(total, options.limit);
  options.onProgress?.(0, total);
  while (options.limit === undefined || report.moved + report.failed < options.limit) {
    const room = options.limit === undefined ? 10 : Math.min(10, options.limit - report.moved - report.failed);
    const letters = await deps.dlq.receive(room);
    if (letters.length === 0) break;
    for (const letter of letters) {
      const id = idOf(letter.body);
      if (id !== undefined && (await deps.messages.requeueExhausted(id, deps.clock.now()))) report.requeued++;
    }
    const moved = await deps.dlq.moveBack(letters);
    report.moved += moved;
    report.failed += letters.length - moved;
    total = Math.max(total, report.moved + report.failed);
    options.onProgress?.(report.moved + report.failed, total);
  }
  return report;
}
