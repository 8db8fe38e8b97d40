import { describe, expect, it } from 'vitest';
import type { MessageEvent } from '../../functions/core/records.js';
import { endpointWants, webhookEventFor, webhookEventId, webhookEventsSince } from '../../functions/core/webhook-events.js';
import { afterAttempt, maxAttempts, nextAttemptDelay, shouldDisable } from '../../functions/core/webhook-retry.js';

const message = { id: 'msg-1', from: 'app@example.com', to: ['a@example.org'], cc: [], bcc: [], subject: 'Hi', tags: [{ name: 'kind', value: 'receipt' }] };
const history: MessageEvent[] = [
  { type: 'queued', at: '2026-12-01T10:00:00.000Z' },
  { type: 'retry', at: '2026-12-01T10:00:01.000Z', detail: '451 try later' },
  { type: 'sent', at: '2026-12-01T10:00:05.000Z', response: '250 ok' },
  { type: 'bounced', at: '2026-12-01T10:00:09.000Z', recipients: ['a@example.org', 'b@example.org'], response: 'smtp; 550 5.1.1', detail: 'Permanent/General' },
];

describe('webhook events from a message history', () => {
  it('emits facts, not bookkeeping, with our id and tags on every event', () => {
    const events = webhookEventsSince(message, history);
    expect(events.map((e) => e.type)).toEqual(['email.sent', 'email.bounced']);
    expect(events[1]).toEqual({
      id: webhookEventId('msg-1', 3),
      type: 'email.bounced',
      createdAt: '2026-12-01T10:00:09.000Z',
      data: { ...message, recipients: ['a@example.org', 'b@example.org'], response: 'smtp; 550 5.1.1', detail: 'Permanent/General' },
    });
  });

  it('carries the message summary only, when handed the whole record (no history, no payload)', () => {
    const record = { ...message, status: 'scheduled', events: history, payload: 'the whole request', attempts: 3 };
    const [sent] = webhookEventsSince(record, history);
    expect(Object.keys(sent!.data).sort()).toEqual(['bcc', 'cc', 'from', 'id', 'response', 'subject', 'tags', 'to']);
  });

  it('gives the same fact the same id every time, and different facts different ids', () => {
    expect(webhookEventsSince(message, history)).toEqual(webhookEventsSince(message, history));
    expect(webhookEventId('msg-1', 2)).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(webhookEventId('msg-1', 2)).not.toBe(webhookEventId('msg-1', 3));
    expect(webhookEventId('msg-1', 2)).not.toBe(webhookEventId('msg-2', 2));
  });

  it('emits only what follows a position, keeping each line its own id', () => {
    expect(webhookEventsSince(message, history, 3).map((e) => e.id)).toEqual([webhookEventId('msg-1', 3)]);
  });

  it('maps every fact of the lifecycle to its event type', () => {
    const types = (
      ['sent', 'delivered', 'delayed', 'bounced', 'recipient_rejected', 'complained', 'failed', 'rejected', 'suppressed', 'canceled'] as const
    ).map((type) => webhookEventFor(message, { type, at: '2026-12-01T10:00:00.000Z' }, 0)?.type);
    expect(types).toEqual([
      'email.sent',
      'email.delivered',
      'email.delivery_delayed',
      'email.bounced',
      'email.bounced',
      'email.complained',
      'email.failed',
      'email.failed',
      'email.suppressed',
      'email.canceled',
    ]);
  });

  it('filters by the endpoint’s list, none meaning all', () => {
    expect(endpointWants(undefined, 'email.sent')).toBe(true);
    expect(endpointWants([], 'email.sent')).toBe(true);
    expect(endpointWants(['email.bounced'], 'email.sent')).toBe(false);
  });
});

describe('webhook retries', () => {
  it('follows the schedule, then stops', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => nextAttemptDelay(n))).toEqual([0, 5, 300, 1800, 7200, 18000, 36000, 36000, undefined]);
    expect(maxAttempts()).toBe(8);
  });

  it('disables an endpoint only after 30 failures in a row spanning a day; a success resets it', () => {
    const start = new Date('2026-12-01T00:00:00Z');
    let streak = { consecutiveFailures: 0 };
    for (let i = 0; i < 30; i++) streak = afterAttempt(streak, false, new Date(start.getTime() + i * 60_000));
    expect(shouldDisable(streak, new Date(start.getTime() + 3600_000))).toBe(false);
    expect(shouldDisable(streak, new Date(start.getTime() + 24 * 3600_000))).toBe(true);
    expect(afterAttempt(streak, true, start)).toEqual({ consecutiveFailures: 0 });
    expect(shouldDisable({ consecutiveFailures: 29, failingSince: start.toISOString() }, new Date(start.getTime() + 48 * 3600_000))).toBe(false);
  });
});
