import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { receivedMessage } from '../adapters/sqs-records.js';
import { type DispatchBatchDeps, dispatchBatch } from '../core/dispatch-batch.js';

/**
 * SQS → webhook dispatch: each queue message that stays (a delivery waiting for its next
 * attempt, a fan-out to try again) is reported alone, so SQS keeps only it, invisible for
 * the delay the use case set.
 */
export function createDispatcherHandler(deps: DispatchBatchDeps) {
  return middy<SQSEvent, SQSBatchResponse>().handler(async (event) => {
    const stays = await dispatchBatch(deps, event.Records.map(receivedMessage));
    return { batchItemFailures: stays.map((itemIdentifier) => ({ itemIdentifier })) };
  });
}
