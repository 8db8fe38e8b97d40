import { PosthasteError } from './errors.js';
import type { Clock, MessageStore } from './ports.js';
import { readScheduledAt } from './schedule.js';

export interface RescheduleDeps {
  messages: Pick<MessageStore, 'reschedule'>;
  clock: Clock;
}

/**
 * Moves a scheduled message to another time, within the same limits as scheduling it
 * (in the future, at most MAX_SCHEDULE_DAYS ahead). One conditional write decides, so a
 * reschedule racing the scheduler either moves the message or finds it already queued
 * (409); the message is never sent twice nor lost.
 */
export async function rescheduleEmail(
  deps: RescheduleDeps,
  id: string,
  scheduledAt: string,
  field = 'scheduledAt',
): Promise<{ id: string; scheduledAt: string }> {
  const now = deps.clock.now();
  const due = readScheduledAt({ scheduledAt }, now, field)!;
  const at = now.toISOString();
  const result = await deps.messages
    .reschedule(id, due, { type: 'scheduled', at, detail: `rescheduled: due at ${due.toISOString()}` })
    .catch((error: unknown) => {
      throw new PosthasteError('service_unavailable', 'could not reschedule the message; nothing was changed, try again', [], { cause: error });
    });
  if (result.outcome === 'missing') throw new PosthasteError('not_found', `no email with id ${id}`, [{ field: 'id', message: 'no such email' }]);
  if (result.outcome === 'not_scheduled') {
    throw new PosthasteError('not_reschedulable', `email ${id} is ${result.record.status}; only a message waiting for its scheduled time can be moved`, [
      { field: 'id', message: `is ${result.record.status}, not scheduled` },
    ]);
  }
  return { id, scheduledAt: due.toISOString() };
}
