import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { EmailQueue, QueuedEmail } from '../core/ports.js';

export class SqsEmailQueue implements EmailQueue {
  constructor(private readonly client: SQSClient, private readonly queueUrl: string) {}

  async enqueue(message: QueuedEmail): Promise<void> {
    await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(message) }));
  }

  /** Backoff: a failed record becomes visible again after `seconds` instead of the queue default. */
  async delayRetry(receiptHandle: string, seconds: number): Promise<void> {
    await this.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds }));
  }
}
