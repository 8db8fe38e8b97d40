/**
 * The queue body on its way out: the claim check's other half (claim-check.ts is the way
 * in). Reading validates the request again with the accept path's schema, so this is the
 * half that loads zod; only the deliver function (and the local runner) needs it.
 */
import type { PayloadStore } from './ports.js';
import type { ClaimTicket, QueuedEmail } from './records.js';
import { parseSendRequest } from './send-request.js';

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
