import type { SQSRecord } from 'aws-lambda';
import type { ReceivedMessage } from '../core/deliver-batch.js';

/** An SQS event record in the use cases' terms (the deliver and dispatcher functions both read them). */
export function receivedMessage(record: SQSRecord): ReceivedMessage {
  const sentAt = Number(record.attributes?.SentTimestamp);
  return {
    queueMessageId: record.messageId,
    body: record.body,
    receiptHandle: record.receiptHandle,
    receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? '1'),
    ...(Number.isFinite(sentAt) ? { sentAt } : {}),
  };
}
