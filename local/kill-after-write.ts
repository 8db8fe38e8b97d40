/**
 * A fault point for the chaos run: the deliver worker killed (SIGKILL) right after a state
 * write that appended a webhook-worthy fact, before the outbox decorator above this one tells
 * the webhook queue. The process ends with the message marked and nobody left to clear the
 * mark, so those events reach receivers only through the scheduler's outbox sweep.
 *
 * Which write kills is drawn from the seed, never at random: the k-th write that tells
 * something, k between 0.5 / share and 1.5 / share (about one in 1 / share of them). Each
 * worker process counts its own writes, so a worker started again with the next seed dies again
 * further on: a run with enough writes always strikes, and replays with its seeds.
 */
import { createHash } from 'node:crypto';
import type { MessageStore } from '../functions/core/ports.js';
import type { MessageEvent } from '../functions/core/records.js';
import { webhookTypeOf } from '../functions/core/webhook-events.js';

/** Called after each write that tells something: true for the one after which the process dies. */
export function killsAfter(seed: number, share: number): () => boolean {
  const r = createHash('sha256').update(`kill-after-write:${seed}`).digest().readUInt32BE(0) / 2 ** 32;
  const k = Math.max(1, Math.round((0.5 + r) / share));
  let writes = 0;
  return () => ++writes === k;
}

const tellsSomething = (events: readonly MessageEvent[] | undefined) => (events ?? []).some((e) => webhookTypeOf(e) !== undefined);

/** The message store, ending the process right after the picked write (only writes that tell something count). */
export function killAfterWrite<S extends MessageStore>(store: S, kills: () => boolean, kill: () => void = () => process.kill(process.pid, 'SIGKILL')): S {
  const after = (events: readonly MessageEvent[] | undefined) => {
    if (tellsSomething(events) && kills()) kill();
  };
  const faulty: Pick<MessageStore, 'finish' | 'recordAttempt'> = {
    async recordAttempt(id, update) {
      const record = await store.recordAttempt(id, update);
      after(update.events);
      return record;
    },
    async finish(id, update) {
      // Even a finish that moves no status keeps its history lines, marked: there is a fact to strand.
      const moved = await store.finish(id, update);
      after(update.events);
      return moved;
    },
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'finish' || property === 'recordAttempt') return faulty[property];
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
