import { TransportError, type TransportFailure } from './delivery-outcome.js';
import { smtpBounce, suppressionFor } from './feedback.js';
import { describeError, type Log } from './log.js';
import { buildMime } from './mime.js';
import type { Clock, DeliveryMessages, FeedbackStore, PayloadStore, SuppressionStore, Transport, TransportResult } from './ports.js';
import type { MessageEvent, MessageRecord, QueuedEmail } from './records.js';
import { allRecipients } from './send-request.js';
import { keepContent, sentContent } from './sent-content.js';

export interface DeliverDeps {
  messages: DeliveryMessages;
  transport: Transport;
  suppressions: SuppressionStore;
  feedback: FeedbackStore;
  clock: Clock;
  log: Log;
  /** How long one attempt may hold a message; longer than the transport's own timeouts. */
  leaseSeconds: number;
  /** Where what each message sent is kept for operators (sent-content.ts); absent, nothing is kept. */
  keptContent?: PayloadStore;
}

/** Where this delivery stands in the queue's redelivery budget. */
export interface Attempt {
  receiveCount: number;
  maxReceives: number;
}

export type DeliverOutcome =
  | { result: 'sent' | 'failed' | 'suppressed' | 'skipped' }
  /** Leave the queue message for redelivery; `failure` says why. */
  | { result: 'retry'; reason: string; failure?: TransportFailure }
  /**
   * Out of redeliveries: the record is closed as failed (`retries_exhausted`) and the queue
   * message is left for the queue to move to the DLQ, from where a redrive revives it.
   */
  | { result: 'exhausted'; reason: string; failure?: TransportFailure }
  /** The queue message is not a Posthaste email: left for the DLQ (see deliver-batch.ts). */
  | { result: 'unreadable'; reason: string };

/** Outcomes whose queue message stays on the queue: redelivered after a backoff, or moved to the DLQ at the receive limit. */
export const staysOnQueue = (outcome: DeliverOutcome): boolean =>
  outcome.result === 'retry' || outcome.result === 'exhausted' || outcome.result === 'unreadable';

const unique = (values: string[]): string[] => [...new Set(values.map((v) => v.toLowerCase()))];

const describe = (failure: TransportFailure): string => failure.response || failure.code || failure.kind;

export async function deliverEmail(deps: DeliverDeps, queued: QueuedEmail, attempt: Attempt): Promise<DeliverOutcome> {
  const now = deps.clock.now();
  const leaseUntil = new Date(now.getTime() + deps.leaseSeconds * 1000);
  let claim = await deps.messages.claim(queued.id, now, leaseUntil);
  if (claim.outcome === 'done' && claim.record.status === 'failed' && claim.record.failureKind === 'retries_exhausted') {
    // Its queue message is back from the DLQ: moved by SQS's own redrive (the console's
    // "Start DLQ redrive"), which knows nothing of our records, or saved by a local stop
    // between the last attempt and the DLQ move. Revive the record as the CLI's redrive
    // does; recipients the relay already accepted are still never sent to again.
    if (await deps.messages.requeueExhausted(queued.id, now)) {
      deps.log('info', 'a message whose retries ran out is back from the DLQ; delivering it again', { messageId: queued.id });
      claim = await deps.messages.claim(queued.id, now, leaseUntil);
    }
  }
  if (claim.outcome === 'missing') return { result: 'retry', reason: 'no status record for this message' };
  if (claim.outcome === 'done') return { result: 'skipped' };
  if (claim.outcome === 'busy') return { result: 'retry', reason: 'another worker is delivering this message' };

  try {
    return await attemptDelivery(deps, queued, claim.record, attempt);
  } catch (error) {
    // A fault of ours (bug, store outage): give the lease back so the next receive can try;
    // on the last receive, say so in the status before the queue moves it to the DLQ.
    const at = deps.clock.now().toISOString();
    const detail = `internal error: ${error instanceof Error ? error.message : String(error)}`;
    deps.log('error', 'delivery failed on our side; the queue delivers it again', { messageId: queued.id, error: describeError(error) });
    const write =
      attempt.receiveCount >= attempt.maxReceives
        ? deps.messages.finish(queued.id, { status: 'failed', failure: { kind: 'internal_error', reason: detail }, events: [{ type: 'failed', at, detail }] })
        : deps.messages.recordAttempt(queued.id, { events: [{ type: 'retry', at, detail }] });
    await write.catch((writeError) => deps.log('error', 'could not record the failed attempt', { messageId: queued.id, error: describeError(writeError) }));
    return { result: 'retry', reason: detail };
  }
}

/**
 * Suppressed recipients leave the envelope (only they); they are settled as rejected so a
 * retry does not reconsider them. Returns what is left and what to record about the rest.
 */
async function dropSuppressed(deps: DeliverDeps, remaining: string[], at: string): Promise<{ send: string[]; suppressed: string[]; events: MessageEvent[] }> {
  const suppressed = await deps.suppressions.suppressedAmong(remaining);
  if (suppressed.size === 0) return { send: remaining, suppressed: [], events: [] };
  const dropped = remaining.filter((r) => suppressed.has(r));
  return {
    send: remaining.filter((r) => !suppressed.has(r)),
    suppressed: dropped,
    events: [{ type: 'suppressed', at, recipients: dropped, detail: 'on the suppression list; not sent' }],
  };
}

/**
 * A relay's 5xx for a recipient is a hard bounce: record it and suppress the address, just
 * before the status write (so whoever sees the status also finds the records). A failure
 * here is logged and does not stop the status write: the message never goes out twice for
 * it, and the next 5xx for that address records it again.
 */
async function recordRefusals(deps: DeliverDeps, queued: QueuedEmail, refused: { recipient: string; response: string }[], at: string): Promise<void> {
  for (const { recipient, response } of refused) {
    const record = smtpBounce(recipient, response, queued.id, queued.request.from.email, at);
    try {
      await deps.suppressions.add(suppressionFor(record, at));
      await deps.feedback.record(record);
    } catch (error) {
      deps.log('error', 'could not record a refused recipient as a bounce', { id: queued.id, recipient: record.recipient, error: describeError(error) });
    }
  }
}

async function attemptDelivery(deps: DeliverDeps, queued: QueuedEmail, record: MessageRecord, attempt: Attempt): Promise<DeliverOutcome> {
  const { messages, transport } = deps;
  const id = queued.id;
  const done = new Set([...record.acceptedRecipients, ...record.rejectedRecipients].map((r) => r.toLowerCase()));
  const pending = unique(allRecipients(queued.request).map((m) => m.email)).filter((r) => !done.has(r));
  const at = () => deps.clock.now().toISOString();
  const lastAttempt = attempt.receiveCount >= attempt.maxReceives;

  if (pending.length === 0) {
    // Every recipient was settled by an earlier attempt that stopped before recording the end.
    const status = record.acceptedRecipients.length > 0 ? 'sent' : 'failed';
    await messages.finish(id, {
      status,
      ...(status === 'failed' ? { failure: { kind: 'recipients_rejected', reason: 'every recipient was rejected' } } : {}),
      events: [{ type: status, at: at(), detail: 'all recipients settled by earlier attempts' }],
    });
    return { result: status };
  }

  const { send: remaining, suppressed, events: suppressedEvents } = await dropSuppressed(deps, pending, at());
  if (remaining.length === 0) {
    const status = record.acceptedRecipients.length > 0 ? 'sent' : 'suppressed';
    await messages.finish(id, {
      status,
      rejected: suppressed,
      ...(status === 'suppressed' ? { failure: { kind: 'suppressed', reason: 'every recipient is on the suppression list' } } : {}),
      events: suppressedEvents,
    });
    return { result: status };
  }

  const built = buildMime(queued.request, { id, date: new Date(record.createdAt), envelopeTo: remaining });
  // Kept on each attempt that reaches the transport (a retry writes the same object again),
  // beside the send rather than before it; a failure to keep it never stops a delivery.
  const keeping = deps.keptContent
    ? keepContent(deps.keptContent, id, sentContent(queued.request, built.raw)).catch((error) =>
        deps.log('warn', 'could not keep the content of a sent message', { messageId: id, error: describeError(error) }),
      )
    : undefined;
  let result: TransportResult;
  try {
    result = await transport.send({ ...built, tags: queued.request.tags });
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    const failure = error.failure;
    if (failure.kind === 'permanent') {
      await messages.finish(id, {
        status: 'failed',
        rejected: [...suppressed, ...remaining],
        failure: { kind: 'permanent', reason: describe(failure) },
        relayResponse: failure.response,
        events: [...suppressedEvents, { type: 'failed', at: at(), recipients: remaining, response: failure.response }],
      });
      return { result: 'failed' };
    }
    if (lastAttempt) {
      // Out of redeliveries: the status says so, and the queue message goes on to the DLQ.
      await messages.finish(id, {
        status: 'failed',
        rejected: suppressed,
        failure: { kind: 'retries_exhausted', reason: `retries exhausted: ${describe(failure)}` },
        events: [...suppressedEvents, { type: 'failed', at: at(), response: failure.response, detail: `gave up after ${attempt.receiveCount} attempts` }],
      });
      return { result: 'exhausted', reason: 'retries exhausted', failure };
    }
    await messages.recordAttempt(id, {
      rejected: suppressed,
      events: [
        ...suppressedEvents,
        { type: 'retry', at: at(), response: failure.response, detail: `attempt ${attempt.receiveCount} of ${attempt.maxReceives}` },
      ],
    });
    return { result: 'retry', reason: describe(failure), failure };
  } finally {
    await keeping;
  }

  const permanent = result.rejected.filter((r) => r.failure.kind === 'permanent');
  const temporary = result.rejected.filter((r) => r.failure.kind !== 'permanent');
  const rejected = [...suppressed, ...permanent.map((r) => r.recipient.toLowerCase())];
  const when = at();
  const refused = permanent.map((r) => ({ recipient: r.recipient.toLowerCase(), response: r.failure.response }));
  const rejectionEvents = [
    ...suppressedEvents,
    ...refused.map((r) => ({ type: 'recipient_rejected' as const, at: when, recipients: [r.recipient], response: r.response })),
  ];

  await recordRefusals(deps, queued, refused, when);
  if (temporary.length > 0 && !lastAttempt) {
    await messages.recordAttempt(id, {
      accepted: result.accepted,
      rejected,
      events: [
        ...rejectionEvents,
        {
          type: 'retry',
          at: when,
          recipients: temporary.map((r) => r.recipient),
          response: temporary[0]!.failure.response,
          detail: 'some recipients were deferred',
        },
      ],
    });
    return { result: 'retry', reason: 'recipients deferred', failure: temporary[0]!.failure };
  }

  const everAccepted = record.acceptedRecipients.length + result.accepted.length > 0;
  // Recipients still deferred on the last attempt: said in the history, never silently dropped.
  const gaveUp =
    temporary.length > 0
      ? [
          {
            type: 'failed' as const,
            at: when,
            recipients: temporary.map((r) => r.recipient),
            response: temporary[0]!.failure.response,
            detail: `still deferred after ${attempt.receiveCount} attempts`,
          },
        ]
      : [];
  if (everAccepted) {
    await messages.finish(id, {
      status: 'sent',
      accepted: result.accepted,
      rejected,
      relayResponse: result.response,
      ...(result.providerMessageId ? { providerMessageId: result.providerMessageId } : {}),
      events: [...rejectionEvents, ...gaveUp, { type: 'sent', at: when, recipients: result.accepted, response: result.response }],
    });
    return { result: 'sent' };
  }
  if (temporary.length > 0) {
    // Nobody got it and the relay only ever deferred: like any exhausted retry, the status
    // says so and the queue message goes on to the DLQ, from where a redrive can revive it.
    await messages.finish(id, {
      status: 'failed',
      rejected,
      failure: { kind: 'retries_exhausted', reason: `retries exhausted: ${temporary[0]!.failure.response}` },
      relayResponse: result.response,
      events: [...rejectionEvents, ...gaveUp],
    });
    return { result: 'exhausted', reason: 'retries exhausted', failure: temporary[0]!.failure };
  }
  await messages.finish(id, {
    status: 'failed',
    rejected,
    failure: { kind: 'recipients_rejected', reason: 'every recipient was rejected' },
    relayResponse: result.response,
    events: [...rejectionEvents, { type: 'failed', at: when, response: permanent[0]?.failure.response ?? temporary[0]?.failure.response ?? result.response }],
  });
  return { result: 'failed' };
}
