import { describe, expect, it } from 'vitest';
import { type ChaosCounts, runChaos, summary } from '../chaos/harness.js';

/** Every receiver fault kind struck, at least one worker killed between its state write and the emission, and nothing lost. */
function expectNoWebhookEventLost({ webhooks }: ChaosCounts) {
  expect(webhooks.expected).toBeGreaterThan(0);
  expect(webhooks.lost).toBe(0);
  expect(webhooks.delivered).toBe(webhooks.expected);
  expect(webhooks.unexpected).toBe(0);
  expect(webhooks.badSignatures).toBe(0);
  expect(webhooks.faults.http_500).toBeGreaterThan(0);
  expect(webhooks.faults.timeout).toBeGreaterThan(0);
  expect(webhooks.faults.dropped).toBeGreaterThan(0);
  expect(webhooks.killsAfterWrite).toBeGreaterThan(0);
  // Those kills left marks nobody cleared: only the outbox sweep could have emitted their events.
  expect(webhooks.sweptEvents).toBeGreaterThan(0);
}

/** Small chaos runs inside `npm test`; `npm run test:chaos` runs the full 2,000 + 1,000. */
describe('chaos (small runs)', () => {
  it('loses nothing and duplicates nothing under relay faults and worker kills; every webhook event arrives (SMTP)', async () => {
    const counts = await runChaos({ messages: 150, seed: 7, killAt: [0.4], killAfterWrite: 0.015 });
    console.log(summary(counts, '[smtp]').join('\n'));
    expect(counts.accepted).toBe(150);
    expect(counts.workerKills).toBe(1);
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
    expect(counts.retried).toBeGreaterThan(0);
    expectNoWebhookEventLost(counts);
  }, 240_000);

  // The SMTP run above kills the worker between write and emission; this one keeps to its one kill, to stay short.
  it('loses nothing and duplicates nothing under SES throttling bursts and a worker kill; every webhook event arrives (SES)', async () => {
    const counts = await runChaos({ messages: 80, seed: 8, killAt: [0.5], transport: 'ses', concurrency: 4, killAfterWrite: 0 });
    console.log(summary(counts, '[ses]').join('\n'));
    expect(counts.accepted).toBe(80);
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
    expect(counts.faults.throttled).toBeGreaterThan(0);
    expect(counts.webhooks.lost).toBe(0);
    expect(counts.webhooks.badSignatures).toBe(0);
  }, 240_000);
});
