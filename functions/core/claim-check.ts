import type { QueuedEmail } from './ports.js';
import { PoisonMessageError, parseQueuedEmail } from './queued-email.js';

/** Stores message bodies too large for the queue (S3 in AWS, fauxqs's S3 locally). */
export interface PayloadStore {
  put(key: string, body: string): Promise<void>;
  /** Undefined when the object is gone (already delivered and removed, or expired). */
  get(key: string): Promise<string | undefined>;
  delete(key: string): Promise<void>;
}

/** What the queue carries instead of a large body: a reference to the stored payload. */
export interface ClaimTicket {
  v: 1;
  id: string;
  payloadKey: string;
}

/**
 * SQS bills each 64 KB chunk and accepts 1 MiB at most; bodies above this size travel
 * through the payload store and the queue carries only the ticket.
 */
export const INLINE_LIMIT_BYTES = 192 * 1024;

export const payloadKeyFor = (id: string): string => `payloads/${id}.json`;

/** Returns the queue body: the message itself, or a ticket after storing the message. */
export async function checkIn(message: QueuedEmail, payloads: PayloadStore | undefined, limit = INLINE_LIMIT_BYTES): Promise<string> {
  const body = JSON.stringify(message);
  if (Buffer.byteLength(body) <= limit || !payloads) return body;
  const payloadKey = payloadKeyFor(message.id);
  await payloads.put(payloadKey, body);
  const ticket: ClaimTicket = { v: 1, id: message.id, payloadKey };
  return JSON.stringify(ticket);
}

/** The id a queue body belongs to, even when the rest of it is unreadable. */
export function idOf(body: string): string | undefined {
  try {
    const value = JSON.parse(body) as { id?: unknown };
    return typeof value?.id === 'string' && value.id.length <= 64 ? value.id : undefined;
  } catch {
    return /"id"\s*:\s*"([0-9A-Za-z-]{1,64})"/.exec(body)?.[1];
  }
}

/** Reads a queue body, fetching the payload when it is a ticket. */
export async function checkOut(body: string, payloads: PayloadStore | undefined): Promise<{ message: QueuedEmail; payloadKey?: string }> {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new PoisonMessageError('queue message is not JSON');
  }
  const ticket = value as Partial<ClaimTicket>;
  if (ticket && typeof ticket.payloadKey === 'string') {
    if (!payloads) throw new PoisonMessageError('queue message refers to a stored payload but no payload store is configured');
    const stored = await payloads.get(ticket.payloadKey);
    if (stored === undefined) throw new PoisonMessageError(`stored payload ${ticket.payloadKey} is missing`);
    return { message: parseQueuedEmail(stored), payloadKey: ticket.payloadKey };
  }
  return { message: parseQueuedEmail(body) };
}
