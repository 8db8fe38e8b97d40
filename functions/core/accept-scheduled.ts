import { type AcceptDeps, newRecord } from './accept-email.js';
import { PosthasteError } from './errors.js';
import type { MessageRecord } from './ports.js';
import type { EmailBatchQueue, MessageControl, PayloadStash, ScheduleStore } from './schedule-ports.js';
import type { EmailRequest } from './send-request.js';

/** What scheduled sends, batches and cancellation need besides the plain accept path. */
export interface SchedulingDeps {
  schedule: ScheduleStore;
  payloads: PayloadStash;
  batchQueue: EmailBatchQueue;
  control: MessageControl;
}

export interface AcceptedEmail {
  id: string;
  status: 'queued' | 'scheduled';
  /** Present for scheduled messages (UTC). */
  scheduledAt?: string;
}

export function scheduledRecord(id: string, request: EmailRequest, at: string, scheduledAt: Date): MessageRecord {
  const due = scheduledAt.toISOString();
  return { ...newRecord(id, request, at), status: 'scheduled', scheduledAt: due, events: [{ type: 'scheduled', at, detail: `due at ${due}` }] };
}

/**
 * A message for later: the record is written `scheduled` with its request, and the
 * scheduler queues it when it is due. Nothing is on the queue until then, so a cancel
 * only has to win one conditional write.
 */
export async function acceptScheduled(accept: AcceptDeps, scheduling: SchedulingDeps, request: EmailRequest, scheduledAt: Date): Promise<AcceptedEmail> {
  const id = accept.newId();
  const at = accept.clock.now().toISOString();
  const payload = await scheduling.payloads.stash(id, request);
  const record = scheduledRecord(id, request, at, scheduledAt);
  try {
    await scheduling.schedule.createScheduled(record, payload);
  } catch {
    await scheduling.payloads.discard?.(payload).catch(() => undefined);
    throw new PosthasteError('service_unavailable', 'could not record the message; nothing was scheduled, try again');
  }
  accept.metrics?.count('accepted');
  accept.metrics?.count('scheduled');
  accept.log?.('info', 'accepted for later', { messageId: id, scheduledAt: record.scheduledAt });
  return { id, status: 'scheduled', scheduledAt: record.scheduledAt! };
}
