import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { receivedMessage } from '../adapters/sqs-records.js';
import { type DeliverBatchDeps, deliverBatch } from '../core/deliver-batch.js';

export type DeliverHandlerDeps = DeliverBatchDeps;

/**
 * SQS → delivery: the event in the use case's terms, and each message that stays on the
 * queue reported alone (a partial batch response) so SQS redelivers only it.
 */
export function createDeliverHandler(deps: DeliverHandlerDeps) {
  return middy<SQSEvent, SQSBatchResponse>().handler(async (event) => {
    const stays = await deliverBatch(deps, event.Records.map(receivedMessage));
    return { batchItemFailures: stays.map((itemIdentifier) => ({ itemIdentifier })) };
  });
}
