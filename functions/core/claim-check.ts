/**
 * The queue body, both ways. SQS bills each 64 KB chunk and accepts 1 MiB at most, so a
 * large message travels through the payload store and the queue carries only a ticket
 * naming it (the claim check). Check-in happens on the way into the queue port, check-out
 * when a queue message is read; the queue itself only ever carries strings.
 */

import type { EmailQueue, EnqueueFailure, PayloadStore, QueueMessage } from './ports.js';
import type { ClaimTicket, QueuedEmail } from './records.js';
import { parseSendRequest } from './send-request.js';

/**
 * JSON in which every character outside printable ASCII is a `\uXXXX` escape. SQS refuses
 * some characters a JSON string may hold (U+FFFE, U+FFFF, most controls; the local stand-in
 * also everything above U+FFFF, emoji included); an all-ASCII body crosses any queue, and
 * JSON.parse gives back exactly the string that went in.
 */
export function queueSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Bodies above this size travel through the payload store. */
export const INLINE_LIMIT_BYTES = 192 * 1024;

export const payloadKeyFor = (id: string): string => `payloads/${id}.json`;

/** A message for the queue, with the delay (0-900 s) it waits before delivery. */
export interface Outgoing {
  message: QueuedEmail;
  delaySeconds?: number;
}

/**
 * The queue message for `message`: the message itself, or a ticket after storing it.
 * Without a payload store every message goes inline (and the queue refuses what is too large).
 */
export async function checkIn(payloads: PayloadStore | undefined, { message, delaySeconds }: Outgoing, limit = INLINE_LIMIT_BYTES): Promise<QueueMessage> {
  const delay = delaySeconds ? { delaySeconds } : {};
  const body = queueSafeJson(message);
  if (Buffer.byteLength(body) <= limit || !payloads) return { id: message.id, body, ...delay };
  const payloadKey = payloadKeyFor(message.id);
  await payloads.put(payloadKey, body);
  const ticket: ClaimTicket = { v: 1, id: message.id, payloadKey };
  return { id: message.id, body: queueSafeJson(ticket), ...delay };
}

/**
 * Checks every message in and enqueues them in as few calls as the queue allows. A message
 * whose payload could not be stored, or that the queue still refused, is returned with the
 * reason; none is dropped.
 */
export async function enqueueAll(queue: Pick<EmailQueue, 'enqueueBatch'>, payloads: PayloadStore | undefined, outgoing: Outgoing[]): Promise<EnqueueFailure[]> {
  const failed: EnqueueFailure[] = [];
  const ready: QueueMessage[] = [];
  await Promise.all(
    outgoing.map(async (entry) => {
      try {
        ready.push(await checkIn(payloads, entry));
      } catch (error) {
        failed.push({ id: entry.message.id, reason: `payload store: ${error instanceof Error ? error.message : String(error)}`, error });
      }
    }),
  );
  if (ready.length > 0) failed.push(...(await queue.enqueueBatch(ready)).failed);
  return failed;
}

export type CheckedOut =
  | { readable: true; message: QueuedEmail /** Set when the body came from the payload store. */; payloadKey?: string }
  /** Not a Posthaste email: retrying cannot help. `id` when the body names one. */
  | { readable: false; reason: string; id?: string };

/** The id a queue body names, even when the rest of it is unreadable. */
export function idOf(body: string): string | undefined {
  try {
    return idIn(JSON.parse(body));
  } catch {
    return /"id"\s*:\s*"([0-9A-Za-z-]{1,64})"/.exec(body)?.[1];
  }
}

function idIn(value: unknown): string | undefined {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.length <= 64 ? id : undefined;
}

/**
 * Reads a queue body, fetching the payload when it is a ticket; each body is parsed once.
 * The request inside was validated by the API; it is checked again because a queue can be
 * written by other hands (a redrive, an operator, a bug). Throws only when the payload
 * store fails, which a later receive may not.
 */
export async function checkOut(body: string, payloads: PayloadStore | undefined): Promise<CheckedOut> {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return unreadable('queue message is not JSON', idOf(body));
  }
  const payloadKey = (value as Partial<ClaimTicket> | null)?.payloadKey;
  if (typeof payloadKey !== 'string') return readQueuedEmail(value);
  if (!payloads) return unreadable('queue message refers to a stored payload but no payload store is configured', idIn(value));
  const stored = await payloads.get(payloadKey);
  if (stored === undefined) return unreadable(`stored payload ${payloadKey} is missing`, idIn(value));
  let storedValue: unknown;
  try {
    storedValue = JSON.parse(stored);
  } catch {
    return unreadable(`stored payload ${payloadKey} is not JSON`, idIn(value));
  }
  const checked = readQueuedEmail(storedValue);
  return checked.readable ? { ...checked, payloadKey } : checked;
}

const unreadable = (reason: string, id: string | undefined): CheckedOut => ({ readable: false, reason, ...(id ? { id } : {}) });

function readQueuedEmail(value: unknown): CheckedOut {
  const message = value as Partial<QueuedEmail> | null;
  const id = idIn(value);
  if (message?.v !== 1 || typeof message.id !== 'string' || typeof message.request !== 'object' || message.request === null) {
    return unreadable('queue message is not a Posthaste email (v1)', id);
  }
  // The accept path's own parser: whatever it accepted, it reads back unchanged.
  let request: QueuedEmail['request'];
  try {
    request = parseSendRequest(message.request);
  } catch (error) {
    return unreadable(`queued request is invalid: ${error instanceof Error ? error.message : String(error)}`, id);
  }
  const dueAt = typeof message.dueAt === 'string' ? { dueAt: message.dueAt } : {};
  return { readable: true, message: { v: 1, id: message.id, request, ...dueAt } };
}
