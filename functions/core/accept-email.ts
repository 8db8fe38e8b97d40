import { PosthasteError } from './errors.js';
import type { Log } from './log.js';
import type { Metrics } from './metrics.js';
import type { Clock, EmailQueue, MessageRecord, MessageStore } from './ports.js';
import type { EmailRequest } from './send-request.js';

export interface AcceptDeps {
  store: MessageStore;
  queue: EmailQueue;
  clock: Clock;
  newId: () => string;
  metrics?: Metrics;
  log?: Log;
  /** Sender domains `from` may use (ALLOWED_SENDER_DOMAINS); empty or absent allows any (local mode). */
  allowedSenderDomains?: string[];
}

export interface Accepted {
  id: string;
  status: 'queued';
}

export function newRecord(id: string, request: EmailRequest, at: string): MessageRecord {
  return {
    id,
    status: 'queued',
    createdAt: at,
    updatedAt: at,
    from: request.from.email,
    to: request.to.map((m) => m.email),
    cc: request.cc.map((m) => m.email),
    bcc: request.bcc.map((m) => m.email),
    subject: request.subject,
    tags: request.tags,
    events: [{ type: 'queued', at }],
    attempts: 0,
    acceptedRecipients: [],
    rejectedRecipients: [],
  };
}

/**
 * The record is written `queued` before the queue message exists, so the deliver worker
 * always finds it. If enqueueing fails the caller gets a 503 (nothing was accepted) and
 * the record is closed as failed so it never looks in flight.
 */
export async function acceptEmail(deps: AcceptDeps, request: EmailRequest): Promise<Accepted> {
  const id = deps.newId();
  const at = deps.clock.now().toISOString();
  try {
    await deps.store.create(newRecord(id, request, at));
  } catch (_error) {
    throw new PosthasteError('service_unavailable', 'could not record the message; nothing was queued, try again', []);
  }
  try {
    await deps.queue.enqueue({ v: 1, id, request });
  } catch (_error) {
    await deps.store
      .finish(id, {
        status: 'failed',
        failureReason: 'enqueue_failed',
        events: [{ type: 'failed', at, detail: 'the queue refused the message; the API answered 503' }],
      })
      .catch(() => undefined);
    throw new PosthasteError('service_unavailable', 'could not queue the message; nothing was sent, try again', []);
  }
  deps.metrics?.count('accepted');
  deps.log?.('info', 'accepted', { messageId: id });
  return { id, status: 'queued' };
}
