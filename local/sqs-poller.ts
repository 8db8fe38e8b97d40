import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Log } from '../functions/core/log.js';

export interface PollerOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;
  /** Parallel pollers, like Lambda's concurrency for an SQS event source. */
  concurrency?: number;
  batchSize?: number;
  waitSeconds?: number;
  log: Log;
}

export interface Poller {
  stop(): Promise<void>;
  /** Batches handled so far (for tests that wait for work to settle). */
  readonly batches: number;
}

function toRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = (message.Attributes ?? {}) as Record<string, string>;
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  };
}

export function lambdaContext(functionName: string, timeoutMs = 60_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * What Lambda's SQS event source mapping does: long-poll, hand batches of up to 10 to the
 * function, delete what succeeded, leave reported failures (or everything, if the function
 * throws) to come back after their visibility timeout; the queue's redrive policy moves
 * them to the DLQ after maxReceiveCount.
 */
export function startPoller(options: PollerOptions): Poller {
  let running = true;
  let batches = 0;
  const loops: Promise<void>[] = [];
  const controller = new AbortController();

  async function loop(): Promise<void> {
    while (running) {
      let messages: Message[] = [];
      try {
        const out = await options.client.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: options.batchSize ?? 10,
            WaitTimeSeconds: options.waitSeconds ?? 1,
            MessageSystemAttributeNames: ['All'],
          }),
          { abortSignal: controller.signal },
        );
        messages = out.Messages ?? [];
      } catch (error) {
        if (!running) return;
        options.log('warn', 'receive failed', { error: String(error) });
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (messages.length === 0) continue;
      const event: SQSEvent = { Records: messages.map((m) => toRecord(m, options.queueArn)) };
      let failed = new Set(event.Records.map((r) => r.messageId));
      try {
        const response = await options.handler(event, lambdaContext('posthaste-deliver'));
        failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch (error) {
        options.log('error', 'deliver function failed; the whole batch returns to the queue', { error: String(error) });
      }
      batches++;
      const done = event.Records.filter((r) => !failed.has(r.messageId));
      if (done.length > 0) {
        await options.client
          .send(new DeleteMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })) }))
          .catch((error) => options.log('warn', 'delete failed; messages will be seen again', { error: String(error) }));
      }
    }
  }

  for (let i = 0; i < (options.concurrency ?? 2); i++) loops.push(loop());
  return {
    get batches() {
      return batches;
    },
    async stop() {
      running = false;
      // In-flight batches finish; idle long polls are cut short.
      setTimeout(() => controller.abort(), (options.waitSeconds ?? 1) * 1000 + 100).unref();
      await Promise.all(loops);
    },
  };
}
