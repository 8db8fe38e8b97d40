import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type DeliverBatchDeps, deliverBatch, type ReceivedMessage } from '../core/deliver-batch.js';

export type DeliverHandlerDeps = DeliverBatchDeps;

const received = (record: SQSRecord): ReceivedMessage => {
  const sentAt = Number(record.attributes?.SentTimestamp);
  return {
    queueMessageId: record.messageId,
    body: record.body,
    receiptHandle: record.receiptHandle,
    receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? '1'),
    ...(Number.isFinite(sentAt) ? { sentAt } : {}),
  };
};

/**
 * SQS → delivery: the event in the use case's terms, and each message that stays on the
 * queue reported alone (a partial batch response) so SQS redelivers only it.
 */
export function createDeliverHandler(deps: DeliverHandlerDeps) {
  return middy<SQSEvent, SQSBatchResponse>().handler(async (event) => {
    const stays = await deliverBatch(deps, event.Records.map(received));
    return { batchItemFailures: stays.map((itemIdentifier) => ({ itemIdentifier })) };
  });
}
