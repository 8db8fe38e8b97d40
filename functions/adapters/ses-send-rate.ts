import { GetSendQuotaCommand, type SESClient } from '@aws-sdk/client-ses';
import type { Log } from '../core/log.js';
import { TokenBucket } from '../core/token-bucket.js';

export interface SendRateOptions {
  /** A fixed rate (messages per second): GetSendQuota is not called. */
  fixedRate?: number;
  /** How many deliver containers share the account's rate; each takes its part. */
  share: number;
  /** How long a GetSendQuota answer is trusted. */
  refreshMs?: number;
  /** Used until GetSendQuota answers, and when it fails: the sandbox rate. */
  fallbackRate?: number;
  log: Log;
  /** Milliseconds on a monotonic clock; the bucket and the quota refresh both read it. */
  now?: () => number;
  /** How the bucket waits; tests give a clock and a sleep that do not take real time. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Keeps this container under its part of the account's MaxSendRate. SES counts every
 * recipient of a SendRawEmail as one message, so a send takes one token per recipient.
 * The quota is read with GetSendQuota once per `refreshMs`, not per message.
 */
export class SesSendRate {
  private readonly bucket: TokenBucket;
  private readonly now: () => number;
  private refreshAt = 0;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly client: SESClient,
    private readonly options: SendRateOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.bucket = new TokenBucket(this.partOf(options.fixedRate ?? options.fallbackRate ?? 1), this.now, options.sleep);
  }

  get rate(): number {
    return this.bucket.rate;
  }

  async acquire(recipients: number): Promise<number> {
    if (this.options.fixedRate === undefined && this.now() >= this.refreshAt) {
      this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
      await this.refreshing;
    }
    return this.bucket.take(recipients);
  }

  private partOf(rate: number): number {
    return Math.max(rate / this.options.share, 0.1);
  }

  private async refresh(): Promise<void> {
    try {
      const quota = await this.client.send(new GetSendQuotaCommand({}));
      const rate = quota.MaxSendRate;
      if (rate === undefined || !(rate > 0)) throw new Error(`GetSendQuota returned MaxSendRate ${String(rate)}`);
      this.bucket.setRate(this.partOf(rate));
      this.refreshAt = this.now() + (this.options.refreshMs ?? 10 * 60_000);
    } catch (error) {
      const fallback = this.options.fallbackRate ?? 1;
      this.bucket.setRate(this.partOf(fallback));
      this.refreshAt = this.now() + 60_000;
      this.options.log('warn', 'could not read the SES send quota; sending at the fallback rate', { fallbackRate: fallback, error: String(error) });
    }
  }
}
