import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { EmailQueue, EnqueueFailure, QueueMessage } from '../core/ports.js';

/** SQS takes at most 10 messages per SendMessageBatch, and 1 MiB in all. */
const SQS_BATCH = 10;
const SQS_BATCH_BYTES = 1_000_000;

export interface SqsQueueOptions {
  /** SendMessageBatch calls per group of 10, the first included. */
  attempts?: number;
  backoffMs?: number;
}

/**
 * The send queue. It carries the bodies it is given (the claim check in core decided what
 * they are). SendMessageBatch can accept some entries and refuse others: the refused ones
 * that SQS marks as its own fault (or a whole call that failed) are sent again; what is
 * still refused after the last attempt is returned, never dropped.
 */
export class SqsEmailQueue implements EmailQueue {
  private readonly attempts: number;
  private readonly backoffMs: number;

  constructor(
    private readonly client: SQSClient,
    readonly queueUrl: string,
    options: SqsQueueOptions = {},
  ) {
    this.attempts = options.attempts ?? 3;
    this.backoffMs = options.backoffMs ?? 100;
  }

  async enqueue(message: QueueMessage): Promise<void> {
    await this.client.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: message.body, ...(message.delaySeconds ? { DelaySeconds: message.delaySeconds } : {}) }),
    );
  }

  async delayRetry(receiptHandle: string, seconds: number): Promise<void> {
    await this.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds }));
  }

  async enqueueBatch(messages: QueueMessage[]): Promise<{ failed: EnqueueFailure[] }> {
    // Groups of at most 10 entries and 1 MiB, the two limits of one SendMessageBatch.
    const groups: QueueMessage[][] = [];
    let group: QueueMessage[] = [];
    let bytes = 0;
    for (const message of messages) {
      const size = Buffer.byteLength(message.body);
      if (group.length === SQS_BATCH || (group.length > 0 && bytes + size > SQS_BATCH_BYTES)) {
        groups.push(group);
        group = [];
        bytes = 0;
      }
      group.push(message);
      bytes += size;
    }
    if (group.length > 0) groups.push(group);
    return { failed: (await Promise.all(groups.map((g) => this.sendGroup(g)))).flat() };
  }

  private async sendGroup(group: QueueMessage[]): Promise<EnqueueFailure[]> {
    const failed: EnqueueFailure[] = [];
    let pending = group.map((message, i): SendMessageBatchRequestEntry & { ownId: string } => ({
      Id: String(i),
      ownId: message.id,
      MessageBody: message.body,
      ...(message.delaySeconds ? { DelaySeconds: message.delaySeconds } : {}),
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
          failed.push(...pending.map((entry) => ({ id: entry.ownId, reason: error instanceof Error ? error.message : String(error), error })));
          pending = [];
        }
      }
      if (pending.length > 0) await new Promise((r) => setTimeout(r, this.backoffMs * 2 ** (attempt - 1)));
    }
    return failed;
  }
}
