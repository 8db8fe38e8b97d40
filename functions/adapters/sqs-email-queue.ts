import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { checkIn, type PayloadStore } from '../core/claim-check.js';
import type { EmailQueue, QueuedEmail } from '../core/ports.js';

export class SqsEmailQueue implements EmailQueue {
  constructor(
    private readonly client: SQSClient,
    readonly queueUrl: string,
    /** Large messages go here and the queue carries a ticket (claim check). */
    private readonly payloads?: PayloadStore,
  ) {}

  async enqueue(message: QueuedEmail): Promise<void> {
    const body = await checkIn(message, this.payloads);
    await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body }));
  }

  /** Backoff: a failed record becomes visible again after `seconds` instead of the queue default. */
  async delayRetry(receiptHandle: string, seconds: number): Promise<void> {
    await this.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds }));
  }
}
