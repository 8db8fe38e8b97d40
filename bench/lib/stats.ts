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
