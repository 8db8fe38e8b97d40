import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { deliverEmail, type DeliverDeps, type DeliverOutcome } from '../core/deliver-email.js';
import { backoffSeconds } from '../core/delivery-outcome.js';
import type { Log } from '../core/log.js';
import { checkOut, idOf, type PayloadStore } from '../core/claim-check.js';
import { PoisonMessageError } from '../core/queued-email.js';

export interface DeliverHandlerDeps extends DeliverDeps {
  /** The queue's maxReceiveCount: the attempt that reaches it is the last. */
  maxReceives: number;
  retry: { baseSeconds: number; maxSeconds: number; delay(receiptHandle: string, seconds: number): Promise<void> };
  /** Where claim-checked (large) messages are stored. */
  payloads?: PayloadStore;
}

async function deliverRecord(deps: DeliverHandlerDeps, record: SQSRecord): Promise<DeliverOutcome> {
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? '1');
  try {
    const { message, payloadKey } = await checkOut(record.body, deps.payloads);
    const outcome = await deliverEmail(deps, message, { receiveCount, maxReceives: deps.maxReceives });
    if (payloadKey && outcome.result !== 'retry') {
      // Delivered or finished for good: the stored body is no longer needed (lifecycle expiry backs this up).
      await deps.payloads?.delete(payloadKey).catch((error) => deps.log('warn', 'could not remove a stored payload', { payloadKey, error: String(error) }));
    }
    return outcome;
  } catch (error) {
    if (!(error instanceof PoisonMessageError)) throw error;
    const id = idOf(record.body);
    deps.log('error', 'unreadable queue message; it goes to the DLQ after the receive limit', { messageId: record.messageId, id, reason: error.message, receiveCount });
    if (id && receiveCount >= deps.maxReceives) {
      const at = deps.clock.now().toISOString();
      await deps.store
        .finish(id, { status: 'failed', failureReason: `unreadable queue message: ${error.message}`, events: [{ type: 'failed', at, detail: error.message }] })
        .catch(() => undefined);
    }
    return { result: 'retry', reason: error.message };
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
