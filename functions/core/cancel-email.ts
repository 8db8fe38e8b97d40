import { PosthasteError } from './errors.js';
import type { Metrics } from './metrics.js';
import type { Clock, MessageStore } from './ports.js';

export interface CancelDeps {
  messages: Pick<MessageStore, 'cancel'>;
  clock: Clock;
  metrics?: Metrics;
}

/**
 * Cancels a message that no deliver worker has picked up yet. The store decides with one
 * conditional write, so a cancel racing the scheduler or a worker has exactly one winner.
 * Canceling twice answers the same; a message already handed to delivery is a 409.
 */
export async function cancelEmail(deps: CancelDeps, id: string): Promise<{ id: string; status: 'canceled' }> {
  const result = await deps.messages.cancel(id, deps.clock.now()).catch((error: unknown) => {
    throw new PosthasteError('service_unavailable', 'could not cancel the message; nothing was changed, try again', [], { cause: error });
  });
  if (result.outcome === 'missing') throw new PosthasteError('not_found', `no email with id ${id}`, [{ field: 'id', message: 'no such email' }]);
  if (result.outcome === 'too_late') {
    throw new PosthasteError('not_cancelable', `email ${id} is ${result.record.status} and was already handed to delivery`, [
      { field: 'id', message: `is ${result.record.status}; only a scheduled or not yet attempted message can be canceled` },
    ]);
  }
  if (result.outcome === 'canceled') deps.metrics?.count('canceled');
  return { id, status: 'canceled' };
}
