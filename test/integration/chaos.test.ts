import { describe, expect, it } from 'vitest';
import { runChaos, summary } from '../chaos/harness.js';

/** A small chaos run inside `npm test`; `npm run test:chaos` runs the full 2,000. */
describe('chaos (small run)', () => {
  it('loses nothing and duplicates nothing under relay faults and worker kills', async () => {
    const counts = await runChaos({ messages: 150, seed: 7, killAt: [0.4] });
    console.log(summary(counts).join('\n'));
    expect(counts.accepted).toBe(150);
    expect(counts.workerKills).toBe(1);
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
    expect(counts.sent + counts.failed + counts.suppressed).toBeGreaterThanOrEqual(counts.accepted - counts.inDlq);
    expect(counts.retried).toBeGreaterThan(0);
  }, 180_000);
});
