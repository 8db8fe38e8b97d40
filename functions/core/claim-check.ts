/**
 * The queue body on its way in. SQS bills each 64 KB chunk and accepts 1 MiB at most, so a
 * large message travels through the payload store and the queue carries only a ticket
 * naming it (the claim check). Check-in happens on the way into the queue port, check-out
 * (check-out.ts) when a queue message is read; the queue itself only ever carries strings.
 * Check-in needs no schema: the scheduler and the webhook queue use it without loading zod.
 */

import type { EmailQueue, EnqueueFailure, PayloadStore, QueueMessage } from './ports.js';
import type { ClaimTicket, QueuedEmail } from './records.js';

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
