import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { deliverEmail, type DeliverDeps, type DeliverOutcome } from '../core/deliver-email.js';
import { backoffSeconds } from '../core/delivery-outcome.js';
import { parseQueuedEmail, PoisonMessageError } from '../core/queued-email.js';

export interface DeliverHandlerDeps extends DeliverDeps {
  /** The queue's maxReceiveCount: the attempt that reaches it is the last. */
  maxReceives: number;
  retry: { baseSeconds: number; maxSeconds: number; delay(receiptHandle: string, seconds: number): Promise<void> };
}

async function deliverRecord(deps: DeliverHandlerDeps, record: SQSRecord): Promise<DeliverOutcome> {
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? '1');
  try {
    const queued = parseQueuedEmail(record.body);
    return await deliverEmail(deps, queued, { receiveCount, maxReceives: deps.maxReceives });
  } catch (error) {
    if (error instanceof PoisonMessageError) {
      deps.log('error', 'unreadable queue message; it will reach the DLQ', { messageId: record.messageId, reason: error.message });
      return { result: 'retry', reason: error.message };
    }
    throw error;
  }
}

/**
 * SQS → delivery. Records of a batch are delivered concurrently (the SMTP pool bounds the
 * real parallelism); each failed record is reported alone so SQS redelivers only it, after
 * an exponential backoff set through its visibility timeout.
 */
export function createDeliverHandler(deps: DeliverHandlerDeps) {
  return middy<SQSEvent, SQSBatchResponse>().handler(async (event) => {
    const outcomes = await Promise.allSettled(event.Records.map((record) => deliverRecord(deps, record)));
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    await Promise.all(
      outcomes.map(async (settled, i) => {
        const record = event.Records[i]!;
        const outcome: DeliverOutcome = settled.status === 'fulfilled' ? settled.value : { result: 'retry', reason: String(settled.reason) };
        if (settled.status === 'rejected') deps.log('error', 'delivery crashed', { messageId: record.messageId, error: String(settled.reason) });
        if (outcome.result !== 'retry') return;
        batchItemFailures.push({ itemIdentifier: record.messageId });
        const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? '1');
        // Paused sending needs an operator; every other retry heals by itself.
        const level = outcome.failure?.needsOperator ? 'error' : 'warn';
        deps.log(level, 'delivery will be retried', { messageId: record.messageId, reason: outcome.reason, receiveCount, ...(outcome.failure?.code ? { code: outcome.failure.code } : {}) });
        const seconds = backoffSeconds(receiveCount, deps.retry.baseSeconds, deps.retry.maxSeconds);
        if (seconds > 0) await deps.retry.delay(record.receiptHandle, seconds).catch((error) => deps.log('warn', 'could not set retry backoff', { error: String(error) }));
      }),
    );
    return { batchItemFailures };
  });
}
