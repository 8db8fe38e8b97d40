/** Small statistics for benchmark rounds: medians are steadier than means on a shared machine. */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Rounds to `digits` significant figures for tables and JSON. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const scale = 10 ** (digits - Math.ceil(Math.log10(Math.abs(value))));
  return Math.round(value * scale) / scale;
}

export interface Paired {
  ours: number[];
  baseline: number[];
  /** Per-round ours/baseline: each pair ran back to back, so machine noise mostly cancels. */
  ratios: number[];
}

/**
 * Runs ours and the baseline alternately, `rounds` times each, starting with a different
 * one each round so neither always runs on a warmer (or busier) machine.
 */
export async function alternate(rounds: number, ours: () => Promise<number>, baseline: () => Promise<number>): Promise<Paired> {
  const result: Paired = { ours: [], baseline: [], ratios: [] };
  for (let i = 0; i < rounds; i++) {
    let a: number;
    let b: number;
    if (i % 2 === 0) {
      a = await ours();
      b = await baseline();
    } else {
      b = await baseline();
      a = await ours();
    }
    result.ours.push(a);
    result.baseline.push(b);
    result.ratios.push(a / b);
  }
  return result;
}

/**
 * Calls `once` (with how many calls came before) until about `ms` of wall time has passed:
 * how many calls, the wall milliseconds they took and this process's CPU microseconds (user + system).
 */
export async function forAbout(ms: number, once: (i: number) => unknown): Promise<{ count: number; wallMs: number; cpuUs: number }> {
  let count = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < ms) {
    await once(count);
    count++;
  }
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { count, wallMs, cpuUs: used.user + used.system };
}

/** Runs `work` once over `count` items: items per second of wall time and this process's CPU milliseconds (user + system) per item. */
export async function measured(count: number, work: () => Promise<unknown>): Promise<{ perSecond: number; cpuMsPerItem: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { perSecond: (count * 1000) / wallMs, cpuMsPerItem: (used.user + used.system) / 1000 / count };
}
