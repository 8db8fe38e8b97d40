import { describe, expect, it } from 'vitest';
import { runChaos, summary } from '../chaos/harness.js';

/** Small chaos runs inside `npm test`; `npm run test:chaos` runs the full 2,000 + 1,000. */
describe('chaos (small runs)', () => {
  it('loses nothing and duplicates nothing under relay faults and a worker kill (SMTP)', async () => {
    const counts = await runChaos({ messages: 150, seed: 7, killAt: [0.4] });
    console.log(summary(counts, '[smtp]').join('\n'));
    expect(counts.accepted).toBe(150);
    expect(counts.workerKills).toBe(1);
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
    expect(counts.retried).toBeGreaterThan(0);
  }, 180_000);

  it('loses nothing and duplicates nothing under SES throttling bursts and a worker kill (SES)', async () => {
    const counts = await runChaos({ messages: 80, seed: 8, killAt: [0.5], transport: 'ses', concurrency: 4 });
    console.log(summary(counts, '[ses]').join('\n'));
    expect(counts.accepted).toBe(80);
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
    expect(counts.faults.throttled).toBeGreaterThan(0);
  }, 180_000);
});
