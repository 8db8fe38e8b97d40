import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetter, DeadLetterQueue } from '../core/ports.js';

/** The send queue's DLQ, read by an operator's redrive. */
export class SqsDeadLetters implements DeadLetterQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly dlqUrl: string,
    private readonly queueUrl: string,
  ) {}

  async approximateCount(): Promise<number> {
    const out = await this.client.send(new GetQueueAttributesCommand({ QueueUrl: this.dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
  }

  async receive(max: number): Promise<DeadLetter[]> {
    // Hidden for a minute while they move, so a second redrive does not take them too.
    const out = await this.client.send(
      new ReceiveMessageCommand({ QueueUrl: this.dlqUrl, MaxNumberOfMessages: max, WaitTimeSeconds: 1, VisibilityTimeout: 60 }),
    );
    return (out.Messages ?? []).map((m) => ({ body: m.Body ?? '', receiptHandle: m.ReceiptHandle! }));
  }

  async moveBack(letters: DeadLetter[]): Promise<number> {
    const sent = await this.client.send(
      new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: letters.map((l, i) => ({ Id: String(i), MessageBody: l.body })) }),
    );
    const ok = new Set((sent.Successful ?? []).map((s) => s.Id));
    // Only what reached the send queue leaves the DLQ; the rest becomes visible there again.
    const done = letters.map((l, i) => ({ Id: String(i), ReceiptHandle: l.receiptHandle })).filter((e) => ok.has(e.Id));
    if (done.length > 0) await this.client.send(new DeleteMessageBatchCommand({ QueueUrl: this.dlqUrl, Entries: done }));
    return done.length;
  }
}
