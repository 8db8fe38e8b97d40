/**
 * A token bucket that lets callers go into debt: `take(n)` reserves its tokens at once and
 * waits until the bucket would have held them. Concurrent callers therefore queue fairly,
 * and a request larger than the burst (50 recipients at 14/s) waits instead of failing.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private ratePerSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.tokens = ratePerSecond;
    this.last = now();
  }

  get rate(): number {
    return this.ratePerSecond;
  }

  /** Changes the rate; the burst (one second's worth) follows it. */
  setRate(ratePerSecond: number): void {
    this.refill();
    this.ratePerSecond = ratePerSecond;
    this.tokens = Math.min(this.tokens, ratePerSecond);
  }

  /** Milliseconds the caller waited. */
  async take(count = 1): Promise<number> {
    this.refill();
    this.tokens -= count;
    if (this.tokens >= 0) return 0;
    const waitMs = Math.ceil((-this.tokens / this.ratePerSecond) * 1000);
    await this.sleep(waitMs);
    return waitMs;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.ratePerSecond, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
  }
}
