import { describe, expect, it } from 'vitest';
import { newRecord } from '../../functions/core/accept-email.js';
import { deliverEmail } from '../../functions/core/deliver-email.js';
import { silentLog } from '../../functions/core/log.js';
import { type FeedbackStore, type SuppressionStore, systemClock, type Transport, type TransportResult } from '../../functions/core/ports.js';
import { parseSendRequest } from '../../functions/core/send-request.js';
import { MemoryMessageStore } from '../helpers/memory-ports.js';

/** A relay that defers the given recipients with 451 and accepts the rest. */
function deferring(deferred: string[]): Transport {
  return {
    name: 'scripted',
    async send(message): Promise<TransportResult> {
      const to = message.envelope.to;
      return {
        accepted: to.filter((r) => !deferred.includes(r)),
        rejected: to
          .filter((r) => deferred.includes(r))
          .map((recipient) => ({ recipient, failure: { kind: 'temporary', response: '451 4.3.0 try later', responseCode: 451 } })),
        response: '250 ok',
      };
    },
  };
}

const noSuppressions = { suppressedAmong: async () => new Set<string>(), add: async () => true } as unknown as SuppressionStore;
const noFeedback = { record: async () => true } as unknown as FeedbackStore;

async function lastAttempt(to: string[], deferred: string[]) {
  const store = new MemoryMessageStore();
  const request = parseSendRequest({ from: 'a@example.com', to, subject: 's', text: 't' });
  await store.create(newRecord('m1', request, new Date().toISOString()));
  const deps = {
    messages: store,
    transport: deferring(deferred),
    suppressions: noSuppressions,
    feedback: noFeedback,
    clock: systemClock,
    log: silentLog,
    leaseSeconds: 30,
  };
  const outcome = await deliverEmail(deps, { v: 1, id: 'm1', request }, { receiveCount: 5, maxReceives: 5 });
  return { outcome, record: (await store.get('m1'))! };
}

describe('recipients still deferred on the last attempt', () => {
  it('when nobody got the message: failed as retries exhausted, and the queue message goes on to the DLQ', async () => {
    const { outcome, record } = await lastAttempt(['slow@example.org'], ['slow@example.org']);
    expect(outcome).toMatchObject({ result: 'exhausted', reason: 'retries exhausted' });
    expect(record.status).toBe('failed');
    expect(record.failureKind).toBe('retries_exhausted');
    expect(record.failureReason).toMatch(/^retries exhausted: 451/);
  });

  it('when others got it: sent, with the recipients that never got it named in the history', async () => {
    const { outcome, record } = await lastAttempt(['ok@example.org', 'slow@example.org'], ['slow@example.org']);
    expect(outcome).toEqual({ result: 'sent' });
    expect(record.status).toBe('sent');
    expect(record.events).toContainEqual(
      expect.objectContaining({ type: 'failed', recipients: ['slow@example.org'], detail: 'still deferred after 5 attempts' }),
    );
  });
});
