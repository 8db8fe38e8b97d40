import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import { checkIn, type PayloadStore } from '../core/claim-check.js';
import type { EmailBatchQueue, QueueEntry } from '../core/schedule-ports.js';

/** SQS takes at most 10 messages per SendMessageBatch, and 1 MiB in all. */
const SQS_BATCH = 10;
const SQS_BATCH_BYTES = 1_000_000;

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

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    options: BatchQueueOptions = {},
    /** Large messages go here and the queue carries a ticket (claim check), as for single sends. */
    private readonly payloads?: PayloadStore,
  ) {
    this.attempts = options.attempts ?? 3;
    this.backoffMs = options.backoffMs ?? 100;
  }

  async enqueueBatch(entries: QueueEntry[]): Promise<{ failed: { id: string; reason: string }[] }> {
    const failed: { id: string; reason: string }[] = [];
    const bodies: { entry: QueueEntry; body: string }[] = [];
    await Promise.all(
      entries.map(async (entry) => {
        try {
          bodies.push({ entry, body: await checkIn(entry.message, this.payloads) });
        } catch (error) {
          failed.push({ id: entry.message.id, reason: `payload store: ${error instanceof Error ? error.message : String(error)}` });
        }
      }),
    );
    // Groups of at most 10 entries and 1 MiB, the two limits of one SendMessageBatch.
    const groups: { entry: QueueEntry; body: string }[][] = [];
    let group: { entry: QueueEntry; body: string }[] = [];
    let bytes = 0;
    for (const item of bodies) {
      const size = Buffer.byteLength(item.body);
      if (group.length === SQS_BATCH || (group.length > 0 && bytes + size > SQS_BATCH_BYTES)) {
        groups.push(group);
        group = [];
        bytes = 0;
      }
      group.push(item);
      bytes += size;
    }
    if (group.length > 0) groups.push(group);
    failed.push(...(await Promise.all(groups.map((g) => this.sendGroup(g)))).flat());
    return { failed };
  }

  private async sendGroup(group: { entry: QueueEntry; body: string }[]): Promise<{ id: string; reason: string }[]> {
    const failed: { id: string; reason: string }[] = [];
    let pending = group.map(({ entry, body }, i): SendMessageBatchRequestEntry & { ownId: string } => ({
      Id: String(i),
      ownId: entry.message.id,
      MessageBody: body,
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
