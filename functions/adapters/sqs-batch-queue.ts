import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import type { EmailBatchQueue, QueueEntry } from '../core/schedule-ports.js';

/** SQS takes at most 10 messages per SendMessageBatch. */
const SQS_BATCH = 10;

export interface BatchQueueOptions {
  /** Calls per group of 10, the first included. */
  attempts?: number;
  backoffMs?: number;
}

/**
 * Batch enqueueing. SendMessageBatch can accept some entries and refuse others: the
 * refused ones that SQS marks as its own fault (or a whole call that failed) are sent
 * again; what is still refused after the last attempt is returned, never dropped.
 */
export class SqsBatchQueue implements EmailBatchQueue {
  private readonly attempts: number;
  private readonly backoffMs: number;

  constructor(private readonly client: SQSClient, private readonly queueUrl: string, options: BatchQueueOptions = {}) {
    this.attempts = options.attempts ?? 3;
    this.backoffMs = options.backoffMs ?? 100;
  }

  async enqueueBatch(entries: QueueEntry[]): Promise<{ failed: { id: string; reason: string }[] }> {
    const groups: QueueEntry[][] = [];
    for (let i = 0; i < entries.length; i += SQS_BATCH) groups.push(entries.slice(i, i + SQS_BATCH));
    const failed = (await Promise.all(groups.map((group) => this.sendGroup(group)))).flat();
    return { failed };
  }

  private async sendGroup(group: QueueEntry[]): Promise<{ id: string; reason: string }[]> {
    const failed: { id: string; reason: string }[] = [];
    let pending = group.map((entry, i): SendMessageBatchRequestEntry & { ownId: string } => ({
      Id: String(i),
      ownId: entry.message.id,
      MessageBody: JSON.stringify(entry.message),
      ...(entry.delaySeconds ? { DelaySeconds: entry.delaySeconds } : {}),
    }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      const last = attempt >= this.attempts;
      try {
        const out = await this.client.send(
          new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending.map(({ ownId: _own, ...entry }) => entry) }),
        );
        const refused = new Map((out.Failed ?? []).map((f) => [f.Id, f]));
        const retry: typeof pending = [];
        for (const entry of pending) {
          const refusal = refused.get(entry.Id);
          if (!refusal) continue;
          const reason = `${refusal.Code ?? 'error'}: ${refusal.Message ?? 'refused by the queue'}`;
          // SenderFault: the entry itself is wrong (too large, bad attribute); sending it again cannot help.
          if (refusal.SenderFault || last) failed.push({ id: entry.ownId, reason });
          else retry.push(entry);
        }
        pending = retry;
      } catch (error) {
        if (last) {
          failed.push(...pending.map((entry) => ({ id: entry.ownId, reason: error instanceof Error ? error.message : String(error) })));
          pending = [];
        }
      }
      if (pending.length > 0) await new Promise((r) => setTimeout(r, this.backoffMs * 2 ** (attempt - 1)));
    }
    return failed;
  }
}
