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
import type { MessageEvent, MessageRecord } from './records.js';
import { webhookEventsSince, webhookTypeOf } from './webhook-events.js';
import type { WebhookQueue } from './webhook-ports.js';

export interface EmitDeps {
  messages: Pick<MessageStore, 'get' | 'markEmitted' | 'pendingEmission' | 'recordFeed'>;
  queue: Pick<WebhookQueue, 'publishEvents'>;
  clock: Clock;
  log: Log;
  /** How old a mark must be before the sweep takes it (EMISSION_GRACE_MS; the chaos run shortens it). */
  graceMs?: number;
}

/** A mark older than this is the sweep's: its writer had time to emit and did not. */
export const EMISSION_GRACE_MS = 60_000;

/** One message to tell: its id, and the record as the caller's write returned it (which saves reading it back). */
export interface ToTell {
  id: string;
  written?: MessageRecord | undefined;
}

/**
 * Hands the history lines past each message's outbox position to the webhook queue, all of
 * them in one publish, then moves each position (the mark goes). Returns per message how
 * many events went, or the error that stopped it: a message whose read or mark failed
 * does not stop the others; a refused publish stops them all, and their marks stay.
 */
export async function emitEach(deps: EmitDeps, messages: readonly ToTell[]): Promise<({ events: number } | { error: unknown })[]> {
  const results: ({ events: number } | { error: unknown })[] = messages.map(() => ({ events: 0 }));
  const records = await Promise.allSettled(messages.map(async (m) => m.written ?? (await deps.messages.get(m.id))));
  const due: { index: number; record: MessageRecord; from: number; count: number; events: ReturnType<typeof webhookEventsSince> }[] = [];
  records.forEach((read, index) => {
    if (read.status === 'rejected') {
      results[index] = { error: read.reason };
      return;
    }
    const record = read.value;
    if (!record) return;
    const from = record.eventsEmitted ?? 0;
    const count = record.events.length;
    if (count > from) due.push({ index, record, from, count, events: webhookEventsSince(record, record.events, from) });
  });
  // The pull feed (GET /v1/events) first, the whole group in one write: under the same
  // marks, it gets every event the webhooks get. A failed write keeps every mark of the
  // group (the items are idempotent, so the sweep writing them again is harmless).
  const feeding = due.filter((d) => d.events.length > 0).map((d) => ({ record: d.record, from: d.from }));
  // Two writes to one message told together carry some lines twice: each event goes once.
  const seen = new Set<string>();
  const events = due.flatMap((d) => d.events).filter((event) => !seen.has(event.id) && Boolean(seen.add(event.id)));
  // A failed feed write or publish stops the group: every mark stays for the sweep.
  try {
    if (feeding.length > 0) await deps.messages.recordFeed(feeding);
    if (events.length > 0) await deps.queue.publishEvents(events);
  } catch (error) {
    for (const d of due) results[d.index] = { error };
    return results;
  }
  await Promise.all(
    due.map(async (d) => {
      try {
        await deps.messages.markEmitted(messages[d.index]!.id, d.count);
        results[d.index] = { events: d.events.length };
      } catch (error) {
        results[d.index] = { error };
      }
    }),
  );
  return results;
}

/** Hands one message's history lines past its outbox position to the webhook queue; returns how many events went. */
export async function emitPending(deps: EmitDeps, id: string, written?: MessageRecord): Promise<number> {
  const [result] = await emitEach(deps, [{ id, written }]);
  if (result && 'error' in result) throw result.error;
  return result?.events ?? 0;
}

/**
 * Tells in groups: a tell made while a publish is in flight waits for it and goes with the
 * others that waited, in the next one (a group commit). Each tell still settles only once
 * its own events are on the queue, so a write returns after its tell as before; writes
 * that finish close together (a deliver batch) share one queue request.
 */
function groupedTeller(deps: EmitDeps): (message: ToTell) => Promise<void> {
  let waiting: { message: ToTell; settle: () => void }[] = [];
  let flying = false;
  const flush = async () => {
    flying = true;
    while (waiting.length > 0) {
      const group = waiting;
      waiting = [];
      const results = await emitEach(
        deps,
        group.map((g) => g.message),
      ).catch((error: unknown) => group.map(() => ({ error })));
      group.forEach((g, i) => {
        const result = results[i];
        if (result && 'error' in result)
          deps.log('warn', 'could not emit webhook events now; the sweep emits them', { messageId: g.message.id, error: describeError(result.error) });
        g.settle();
      });
    }
    flying = false;
  };
  return (message) =>
    new Promise<void>((settle) => {
      waiting.push({ message, settle });
      if (!flying) void flush();
    });
}

/** Emits what writers that died after their write left behind. */
export async function sweepEmissions(deps: EmitDeps, limit = 100): Promise<{ messages: number; events: number }> {
  const before = new Date(deps.clock.now().getTime() - (deps.graceMs ?? EMISSION_GRACE_MS));
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
  const teller = groupedTeller(deps);
  const tell = (id: string, written?: MessageRecord) => teller({ id, written });
  const wrapped: Emitting = {
    recordAttempt: async (id, update) => {
      const record = await store.recordAttempt(id, update);
      if (worthTelling(update.events)) await tell(id, record);
      return record;
    },
    finish: async (id, update) => {
      const finished = await store.finish(id, update);
      if (worthTelling(update.events)) await tell(id, finished.record);
      return finished;
    },
    cancel: async (id, at) => {
      const result = await store.cancel(id, at);
      if (result.outcome === 'canceled') await tell(id, result.record);
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
