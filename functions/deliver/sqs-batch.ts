import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { checkOut, idOf, type PayloadStore } from '../core/claim-check.js';
import { type DeliverDeps, type DeliverOutcome, deliverEmail } from '../core/deliver-email.js';
import { backoffSeconds } from '../core/delivery-outcome.js';
import type { Metrics } from '../core/metrics.js';
import type { QueuedEmail } from '../core/ports.js';
import { PoisonMessageError } from '../core/queued-email.js';
import { allRecipients } from '../core/send-request.js';
import { suppressionSnapshot } from '../core/suppression-snapshot.js';

export interface DeliverHandlerDeps extends DeliverDeps {
  /** The queue's maxReceiveCount: the attempt that reaches it is the last. */
  maxReceives: number;
  retry: { baseSeconds: number; maxSeconds: number; delay(receiptHandle: string, seconds: number): Promise<void> };
  /** Where claim-checked (large) messages are stored. */
  payloads?: PayloadStore;
  metrics?: Metrics;
}

type CheckedOut = PromiseSettledResult<Awaited<ReturnType<typeof checkOut>>>;

async function deliverRecord(deps: DeliverHandlerDeps, record: SQSRecord, checked: CheckedOut): Promise<DeliverOutcome> {
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? '1');
  try {
    if (checked.status === 'rejected') throw checked.reason;
    const { message, payloadKey } = checked.value;
    const outcome = await deliverEmail(deps, message, { receiveCount, maxReceives: deps.maxReceives });
    countOutcome(deps, message, record, outcome);
    if (payloadKey && outcome.result !== 'retry') {
      // Delivered or finished for good: the stored body is no longer needed (lifecycle expiry backs this up).
      await deps.payloads?.delete(payloadKey).catch((error) => deps.log('warn', 'could not remove a stored payload', { payloadKey, error: String(error) }));
    }
    return outcome;
  } catch (error) {
    if (!(error instanceof PoisonMessageError)) throw error;
    const id = idOf(record.body);
    deps.log('error', 'unreadable queue message; it goes to the DLQ after the receive limit', {
      sqsMessageId: record.messageId,
      ...(id ? { messageId: id } : {}),
      reason: error.message,
      receiveCount,
    });
    if (id && receiveCount >= deps.maxReceives) {
      const at = deps.clock.now().toISOString();
      await deps.store
        .finish(id, { status: 'failed', failureReason: `unreadable queue message: ${error.message}`, events: [{ type: 'failed', at, detail: error.message }] })
        .catch(() => undefined);
      deps.metrics?.count('failed');
    }
    return { result: 'retry', reason: error.message };
  }
}

/** Metrics and one log line per delivery, keyed by our message id (the correlation id). */
function countOutcome(deps: DeliverHandlerDeps, queued: QueuedEmail, record: SQSRecord, outcome: DeliverOutcome): void {
  const messageId = queued.id;
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? '1');
  if (outcome.result === 'sent') {
    // From when the message was queued, or when it was due if it was scheduled.
    const since = Math.max(Number(record.attributes?.SentTimestamp ?? Date.now()), queued.dueAt ? Date.parse(queued.dueAt) : 0);
    deps.metrics?.count('sent');
    deps.metrics?.latency('queueToSentLatency', Math.max(0, Date.now() - since));
    deps.log('info', 'sent', { messageId });
  } else if (outcome.result === 'suppressed') {
    deps.metrics?.count('suppressed');
    deps.log('info', 'suppressed: every recipient is on the suppression list', { messageId });
  } else if (outcome.result === 'failed' || (outcome.result === 'retry' && outcome.reason === 'retries exhausted')) {
    deps.metrics?.count('failed');
    deps.log('warn', 'failed', { messageId, ...(outcome.result === 'retry' ? { reason: outcome.reason } : {}) });
  } else if (outcome.result === 'retry') {
    deps.metrics?.count('retries');
    // Paused sending needs an operator; every other retry heals by itself.
    const level = outcome.failure?.needsOperator ? 'error' : 'info';
    deps.log(level, 'delivery will be retried', {
      messageId,
      reason: outcome.reason,
      receiveCount,
      ...(outcome.failure?.code ? { code: outcome.failure.code } : {}),
    });
  }
}

/** One suppression lookup for every recipient in the batch; if it fails, each message asks for itself. */
async function withBatchSuppressions(deps: DeliverHandlerDeps, checked: CheckedOut[]): Promise<DeliverHandlerDeps> {
  const recipients = checked.flatMap((c) => (c.status === 'fulfilled' ? allRecipients(c.value.message.request).map((m) => m.email) : []));
  if (recipients.length === 0) return deps;
  try {
    return { ...deps, suppressions: await suppressionSnapshot(deps.suppressions, recipients) };
  } catch (error) {
    deps.log('warn', 'batch suppression lookup failed; looking up per message', { error: String(error) });
    return deps;
  }
}

/**
 * SQS → delivery. Records of a batch are delivered concurrently (the SMTP pool bounds the
 * real parallelism); each failed record is reported alone so SQS redelivers only it, after
 * an exponential backoff set through its visibility timeout.
 */
export function createDeliverHandler(deps: DeliverHandlerDeps) {
  return middy<SQSEvent, SQSBatchResponse>().handler(async (event) => {
    const checked = await Promise.allSettled(event.Records.map((record) => checkOut(record.body, deps.payloads)));
    const batchDeps = await withBatchSuppressions(deps, checked);
    const outcomes = await Promise.allSettled(event.Records.map((record, i) => deliverRecord(batchDeps, record, checked[i]!)));
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    await Promise.all(
      outcomes.map(async (settled, i) => {
        const record = event.Records[i]!;
        const outcome: DeliverOutcome = settled.status === 'fulfilled' ? settled.value : { result: 'retry', reason: String(settled.reason) };
        if (settled.status === 'rejected') deps.log('error', 'delivery crashed', { sqsMessageId: record.messageId, error: String(settled.reason) });
        if (outcome.result !== 'retry') return;
        batchItemFailures.push({ itemIdentifier: record.messageId });
        const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? '1');
        const seconds = backoffSeconds(receiveCount, deps.retry.baseSeconds, deps.retry.maxSeconds);
        if (seconds > 0)
          await deps.retry.delay(record.receiptHandle, seconds).catch((error) => deps.log('warn', 'could not set retry backoff', { error: String(error) }));
      }),
    );
    return { batchItemFailures };
  });
}
