/**
 * The outbox tells in groups: writes that finish while a publish is in flight go together
 * in the next one, and each write still returns only once its own events are on the queue.
 */
import { describe, expect, it } from 'vitest';
import { newRecord } from '../../functions/core/accept-email.js';
import { EMISSION_GRACE_MS, emittingStore, sweepEmissions } from '../../functions/core/emit-events.js';
import { type Log, silentLog } from '../../functions/core/log.js';
import { parseSendRequest } from '../../functions/core/send-request.js';
import type { WebhookEvent } from '../../functions/core/webhook-events.js';
import { MemoryMessageStore } from '../helpers/memory-ports.js';

const request = parseSendRequest({ from: 'a@example.com', to: 'b@example.org', subject: 's', text: 't' });
const at = () => new Date().toISOString();

/** A webhook queue whose publishes wait until released, so a test decides what is in flight. */
function heldQueue() {
  const publishes: WebhookEvent[][] = [];
  const held: (() => void)[] = [];
  let refusing = false;
  return {
    publishes,
    refuse: (on: boolean) => {
      refusing = on;
    },
    /** Lets the oldest waiting publish answer. */
    release: () => held.shift()?.(),
    waiting: () => held.length,
    publishEvents: (events: WebhookEvent[]) =>
      new Promise<void>((resolve, reject) => {
        held.push(() => {
          if (refusing) return reject(new Error('queue unavailable'));
          publishes.push(events);
          resolve();
        });
      }),
  };
}

/** Resolves once `check` holds, checked after each turn of the event loop. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

async function outbox(log: Log = silentLog) {
  const store = new MemoryMessageStore();
  const queue = heldQueue();
  const deps = { messages: store, queue, clock: { now: () => new Date() }, log };
  const ids = ['g-0', 'g-1', 'g-2'];
  for (const id of ids) await store.create(newRecord(id, request, at()));
  return { store, queue, deps, ids, messages: emittingStore(store, deps) };
}

describe('the outbox in groups', () => {
  it('sends the tells made during a publish together in the next one, and each write waits for its own', async () => {
    const { store, queue, ids, messages } = await outbox();
    let settled = 0;
    const first = messages.finish(ids[0]!, { status: 'sent', events: [{ type: 'sent', at: at() }] }).then(() => settled++);
    await until(() => queue.waiting() === 1);
    const rest = ids.slice(1).map((id) => messages.finish(id, { status: 'sent', events: [{ type: 'sent', at: at() }] }).then(() => settled++));
    // The two later tells wait for the publish in flight; nothing has returned yet.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(queue.waiting()).toBe(1);
    expect(settled).toBe(0);
    queue.release();
    await first;
    await until(() => queue.waiting() === 1);
    expect(settled).toBe(1);
    queue.release();
    await Promise.all(rest);
    expect(queue.publishes.map((events) => events.map((e) => e.data.id))).toEqual([[ids[0]], [ids[1], ids[2]]]);
    for (const id of ids) expect((await store.get(id))!.eventsEmitted).toBe(2);
  });

  it('tells one message written twice in a group once per event', async () => {
    const { queue, ids, messages } = await outbox();
    const blocker = messages.finish(ids[0]!, { status: 'sent', events: [{ type: 'sent', at: at() }] });
    await until(() => queue.waiting() === 1);
    const id = ids[1]!;
    const both = Promise.all([
      messages.recordAttempt(id, { rejected: ['b@example.org'], events: [{ type: 'suppressed', at: at(), recipients: ['b@example.org'] }] }),
      messages.applyNotification(id, { key: 'n1', events: [{ type: 'opened', at: at() }] }),
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    queue.release();
    await blocker;
    await until(() => queue.waiting() === 1);
    queue.release();
    await both;
    const told = queue.publishes[1]!.map((e) => e.type);
    expect(told).toEqual(['email.suppressed', 'email.opened']);
  });

  it('leaves every mark of a refused group to the sweep, which tells each event once', async () => {
    const warnings: string[] = [];
    const { store, queue, deps, ids, messages } = await outbox((level, message) => {
      if (level === 'warn') warnings.push(message);
    });
    queue.refuse(true);
    const writes = ids.map((id) => messages.finish(id, { status: 'sent', events: [{ type: 'sent', at: at() }] }));
    await until(() => queue.waiting() === 1);
    queue.release();
    await until(() => queue.waiting() === 1);
    queue.release();
    await Promise.all(writes);
    expect(warnings).toEqual(ids.map(() => 'could not emit webhook events now; the sweep emits them'));
    for (const id of ids) expect((await store.get(id))!.status).toBe('sent');
    queue.refuse(false);
    const later = { ...deps, clock: { now: () => new Date(Date.now() + EMISSION_GRACE_MS + 1000) } };
    const sweep = sweepEmissions(later);
    for (const _ of ids) {
      await until(() => queue.waiting() === 1);
      queue.release();
    }
    expect(await sweep).toEqual({ messages: 3, events: 3 });
    expect(queue.publishes.flat().map((e) => e.data.id)).toEqual(ids);
  });
});
