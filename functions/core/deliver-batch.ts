import { checkOut } from './check-out.js';
import { type DeliverDeps, type DeliverOutcome, deliverEmail, staysOnQueue } from './deliver-email.js';
import { backoffSeconds } from './delivery-outcome.js';
import { describeError } from './log.js';
import type { Metrics } from './metrics.js';
import type { EmailQueue, PayloadStore } from './ports.js';
import type { QueuedEmail } from './records.js';
import { allRecipients } from './send-request.js';
import { suppressionSnapshot } from './suppression-snapshot.js';

/** One received queue message, as the deliver use case sees it (an SQS record without SQS). */
export interface ReceivedMessage {
  /** The queue's own id for it: reported back when it stays on the queue. */
  queueMessageId: string;
  body: string;
  receiptHandle: string;
  /** 1 on the first receive. */
  receiveCount: number;
  /** When the queue got it (epoch ms). */
  sentAt?: number;
}

export interface DeliverBatchDeps extends DeliverDeps {
  /** The queue's maxReceiveCount: the attempt that reaches it is the last. */
  maxReceives: number;
  /** Exponential backoff between receives, set through the queue's visibility timeout. */
  retry: { baseSeconds: number; maxSeconds: number };
  queue: Pick<EmailQueue, 'delayRetry'>;
  /** Where claim-checked (large) messages are stored. */
  payloads?: PayloadStore;
  metrics?: Metrics;
}

type Checked = PromiseSettledResult<Awaited<ReturnType<typeof checkOut>>>;

/**
 * Delivers one queue batch. Messages are delivered concurrently (the SMTP pool bounds the
 * real parallelism); returns the queue message ids that stay on the queue, each with its
 * backoff set, so the queue redelivers only them (or moves them to the DLQ at the limit).
 */
export async function deliverBatch(deps: DeliverBatchDeps, received: ReceivedMessage[]): Promise<string[]> {
  const checked = await Promise.allSettled(received.map((message) => checkOut(message.body, deps.payloads)));
  const batchDeps = await withBatchSuppressions(deps, checked);
  const outcomes = await Promise.allSettled(received.map((message, i) => deliverOne(batchDeps, message, checked[i]!)));
  const stays: string[] = [];
  await Promise.all(
    outcomes.map(async (settled, i) => {
      const message = received[i]!;
      if (settled.status === 'rejected') {
        deps.log('error', 'delivery crashed', { sqsMessageId: message.queueMessageId, error: describeError(settled.reason) });
      } else if (!staysOnQueue(settled.value)) {
        return;
      }
      stays.push(message.queueMessageId);
      const seconds = backoffSeconds(message.receiveCount, deps.retry.baseSeconds, deps.retry.maxSeconds);
      if (seconds > 0) {
        await deps.queue
          .delayRetry(message.receiptHandle, seconds)
          .catch((error) => deps.log('warn', 'could not set retry backoff', { sqsMessageId: message.queueMessageId, error: describeError(error) }));
      }
    }),
  );
  return stays;
}

async function deliverOne(deps: DeliverBatchDeps, received: ReceivedMessage, checked: Checked): Promise<DeliverOutcome> {
  if (checked.status === 'rejected') throw checked.reason;
  const read = checked.value;
  if (!read.readable) return unreadable(deps, received, read.reason, read.id);
  const outcome = await deliverEmail(deps, read.message, { receiveCount: received.receiveCount, maxReceives: deps.maxReceives });
  countOutcome(deps, read.message, received, outcome);
  if (read.payloadKey && !staysOnQueue(outcome)) {
    // Delivered or finished for good: the stored body is no longer needed (lifecycle expiry backs this up).
    await deps.payloads
      ?.delete(read.payloadKey)
      .catch((error) => deps.log('warn', 'could not remove a stored payload', { payloadKey: read.payloadKey, error: describeError(error) }));
  }
  return outcome;
}

/**
 * A poison message: retrying cannot help, but the queue's own receive limit moves it to
 * the DLQ where an operator can read it. On the last receive the record (when the body
 * names one) is closed as failed with the reason, so the status does not stay `queued`.
 */
async function unreadable(deps: DeliverBatchDeps, received: ReceivedMessage, reason: string, id: string | undefined): Promise<DeliverOutcome> {
  deps.log('error', 'unreadable queue message; it goes to the DLQ after the receive limit', {
    sqsMessageId: received.queueMessageId,
    ...(id ? { messageId: id } : {}),
    reason,
    receiveCount: received.receiveCount,
  });
  if (id && received.receiveCount >= deps.maxReceives) {
    const at = deps.clock.now().toISOString();
    await deps.messages
      .finish(id, {
        status: 'failed',
        failure: { kind: 'unreadable', reason: `unreadable queue message: ${reason}` },
        events: [{ type: 'failed', at, detail: reason }],
      })
      .catch((error) => deps.log('error', 'could not close an unreadable message as failed', { messageId: id, error: describeError(error) }));
    deps.metrics?.count('failed');
  }
  return { result: 'unreadable', reason };
}

/** Metrics and one log line per delivery, keyed by our message id (the correlation id). */
function countOutcome(deps: DeliverBatchDeps, queued: QueuedEmail, received: ReceivedMessage, outcome: DeliverOutcome): void {
  const messageId = queued.id;
  switch (outcome.result) {
    case 'sent': {
      // From when the message was queued, or when it was due if it was scheduled.
      const now = deps.clock.now().getTime();
      const since = Math.max(received.sentAt ?? now, queued.dueAt ? Date.parse(queued.dueAt) : 0);
      deps.metrics?.count('sent');
      deps.metrics?.latency('queueToSentLatency', Math.max(0, now - since));
      deps.log('info', 'sent', { messageId });
      return;
    }
    case 'suppressed':
      deps.metrics?.count('suppressed');
      deps.log('info', 'suppressed: every recipient is on the suppression list', { messageId });
      return;
    case 'failed':
    case 'exhausted':
      deps.metrics?.count('failed');
      deps.log('warn', 'failed', { messageId, ...(outcome.result === 'exhausted' ? { reason: outcome.reason } : {}) });
      return;
    case 'retry': {
      deps.metrics?.count('retries');
      // Paused sending needs an operator; every other retry heals by itself.
      const level = outcome.failure?.needsOperator ? 'error' : 'info';
      deps.log(level, 'delivery will be retried', {
        messageId,
        reason: outcome.reason,
        receiveCount: received.receiveCount,
        ...(outcome.failure?.code ? { code: outcome.failure.code } : {}),
      });
      return;
    }
    case 'skipped':
    case 'unreadable':
      return;
  }
}

/** One suppression lookup for every recipient in the batch; if it fails, each message asks for itself. */
async function withBatchSuppressions(deps: DeliverBatchDeps, checked: Checked[]): Promise<DeliverBatchDeps> {
  const recipients = checked.flatMap((c) => (c.status === 'fulfilled' && c.value.readable ? allRecipients(c.value.message.request).map((m) => m.email) : []));
  if (recipients.length === 0) return deps;
  try {
    return { ...deps, suppressions: await suppressionSnapshot(deps.suppressions, recipients) };
  } catch (error) {
    deps.log('warn', 'batch suppression lookup failed; looking up per message', { error: describeError(error) });
    return deps;
  }
}
