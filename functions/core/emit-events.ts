/**
 * The webhook outbox: every state change is told to the webhook queue at least once, even
 * when the process that made it dies right after its write.
 *
 * The write that appends a webhook-worthy history line also marks the message (one
 * conditional write, see the message store), so the mark and the fact cannot part. Right
 * after it, the writer hands the new lines to the webhook queue and clears the mark
 * (`emitPending`). A writer that died in between leaves the mark; the scheduler's sweep
 * (`sweepEmissions`, every minute) finds it through a sparse index and emits what was left.
 * Event ids come from the message id and the line's position, so a line emitted twice
 * reaches receivers twice with the same `webhook-id`, never as two different events. The
 * same events go into the pull feed (`GET /v1/events`) on the way.
 */
import { describeError, type Log } from './log.js';
import type { Clock, MessageStore } from './ports.js';
import type { MessageEvent } from './records.js';
import { webhookEventsSince, webhookTypeOf } from './webhook-events.js';
import type { WebhookQueue } from './webhook-ports.js';

export interface EmitDeps {
  messages: Pick<MessageStore, 'get' | 'markEmitted' | 'pendingEmission' | 'recordFeed'>;
  queue: Pick<WebhookQueue, 'publishEvents'>;
  clock: Clock;
  log: Log;
}

/** A mark older than this is the sweep's: its writer had time to emit and did not. */
export const EMISSION_GRACE_MS = 60_000;

/** Hands the message's history lines past its outbox position to the webhook queue; returns how many events went. */
export async function emitPending(deps: EmitDeps, id: string): Promise<number> {
  const record = await deps.messages.get(id);
  if (!record) return 0;
  const from = record.eventsEmitted ?? 0;
  const count = record.events.length;
  if (count <= from) return 0;
  const events = webhookEventsSince(record, record.events, from);
  if (events.length > 0) {
    // The pull feed (GET /v1/events) first: under the same mark, it gets every event the webhooks get.
    await deps.messages.recordFeed(record, from);
    await deps.queue.publishEvents(events);
  }
  await deps.messages.markEmitted(id, count);
  return events.length;
}

/** Emits what writers that died after their write left behind. */
export async function sweepEmissions(deps: EmitDeps, limit = 100): Promise<{ messages: number; events: number }> {
  const before = new Date(deps.clock.now().getTime() - EMISSION_GRACE_MS);
  const ids = await deps.messages.pendingEmission(before, limit);
  let events = 0;
  for (const id of ids) {
    try {
      events += await emitPending(deps, id);
    } catch (error) {
      deps.log('warn', 'could not emit webhook events left behind; the next sweep tries again', { messageId: id, error: describeError(error) });
    }
  }
  if (events > 0) deps.log('info', 'webhook events emitted for writes whose process stopped before telling', { messages: ids.length, events });
  return { messages: ids.length, events };
}

const worthTelling = (events: readonly MessageEvent[] | undefined): boolean => (events ?? []).some((e) => webhookTypeOf(e) !== undefined);

type Emitting = Pick<MessageStore, 'recordAttempt' | 'finish' | 'cancel' | 'applyNotification'>;

/**
 * The message store, telling the webhook queue after every write that appended a fact. A
 * failure to tell is logged, never thrown: the write stands, the mark stays, the sweep tells.
 */
export function emittingStore<S extends Emitting>(store: S, deps: EmitDeps): S {
  const tell = async (id: string) => {
    try {
      await emitPending(deps, id);
    } catch (error) {
      deps.log('warn', 'could not emit webhook events now; the sweep emits them', { messageId: id, error: describeError(error) });
    }
  };
  const wrapped: Emitting = {
    recordAttempt: async (id, update) => {
      await store.recordAttempt(id, update);
      if (worthTelling(update.events)) await tell(id);
    },
    finish: async (id, update) => {
      const moved = await store.finish(id, update);
      if (worthTelling(update.events)) await tell(id);
      return moved;
    },
    cancel: async (id, at) => {
      const result = await store.cancel(id, at);
      if (result.outcome === 'canceled') await tell(id);
      return result;
    },
    applyNotification: async (id, update) => {
      const outcome = await store.applyNotification(id, update);
      if (outcome !== 'missing' && worthTelling(update.events)) await tell(id);
      return outcome;
    },
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property in wrapped) return wrapped[property as keyof Emitting];
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
