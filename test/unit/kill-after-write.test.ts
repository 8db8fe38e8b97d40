/**
 * The chaos run's fault point in the deliver worker: the process ends right after a state write
 * that tells something, beneath the outbox, so the webhook queue never hears of it and only the
 * outbox sweep can emit it. Here the "kill" throws, which ends the write's caller as the process
 * would end.
 */
import { describe, expect, it } from 'vitest';
import { newRecord } from '../../functions/core/accept-email.js';
import { emittingStore, sweepEmissions } from '../../functions/core/emit-events.js';
import { silentLog } from '../../functions/core/log.js';
import { parseSendRequest } from '../../functions/core/send-request.js';
import { type WebhookEvent, webhookEventId } from '../../functions/core/webhook-events.js';
import { killAfterWrite, killsAfter } from '../../local/kill-after-write.js';
import { MemoryMessageStore } from '../helpers/memory-ports.js';

const request = parseSendRequest({ from: 'a@example.com', to: 'b@example.org', subject: 's', text: 't' });
const at = () => new Date().toISOString();

describe('killsAfter', () => {
  it('picks one write, between 0.5 / share and 1.5 / share, the same for the same seed', () => {
    for (const seed of [1, 2, 3, 42, 7000]) {
      const picks = (kills: () => boolean) => Array.from({ length: 200 }, (_, i) => (kills() ? i + 1 : 0)).filter(Boolean);
      const picked = picks(killsAfter(seed, 0.05));
      expect(picked).toHaveLength(1);
      expect(picked[0]).toBeGreaterThanOrEqual(10);
      expect(picked[0]).toBeLessThanOrEqual(30);
      expect(picks(killsAfter(seed, 0.05))).toEqual(picked);
    }
  });
});

describe('killAfterWrite beneath the outbox', () => {
  it('ends the writer after the write and before the emission; the sweep emits the fact with its own id', async () => {
    const store = new MemoryMessageStore();
    const published: WebhookEvent[] = [];
    const deps = {
      messages: store,
      queue: { publishEvents: async (e: WebhookEvent[]) => void published.push(...e) },
      clock: { now: () => new Date() },
      log: silentLog,
    };
    const died: string[] = [];
    const dying = killAfterWrite(store, killsAfter(1, 1), () => {
      died.push('killed');
      throw new Error('the process ended here');
    });
    const messages = emittingStore(dying, deps);
    await store.create(newRecord('m1', request, at()));

    // Bookkeeping only: nothing to tell, nothing counted.
    await messages.recordAttempt('m1', { events: [{ type: 'retry', at: at() }] });
    expect(died).toEqual([]);

    await expect(messages.finish('m1', { status: 'sent', events: [{ type: 'sent', at: at() }] })).rejects.toThrow('the process ended here');
    expect(died).toEqual(['killed']);
    expect((await store.get('m1'))!.status).toBe('sent');
    expect(published).toEqual([]);

    const later = { ...deps, clock: { now: () => new Date(Date.now() + 1000) }, graceMs: 500 };
    expect(await sweepEmissions(later)).toEqual({ messages: 1, events: 1 });
    expect(published.map((e) => [e.type, e.id])).toEqual([['email.sent', webhookEventId('m1', 2)]]);
  });
});
