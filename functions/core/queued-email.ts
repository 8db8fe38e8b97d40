import type { QueuedEmail } from './ports.js';
import { type EmailRequest, sendRequestSchema } from './send-request.js';

export class PoisonMessageError extends Error {
  override name = 'PoisonMessageError';
}

/**
 * Reads a queue message body. The request inside was validated by the API; it is checked
 * again because a queue can be written by other hands (a redrive, an operator, a bug).
 */
export function parseQueuedEmail(body: string): QueuedEmail {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new PoisonMessageError('queue message is not JSON');
  }
  const message = value as Partial<QueuedEmail> | null;
  if (message?.v !== 1 || typeof message.id !== 'string' || typeof message.request !== 'object' || message.request === null) {
    throw new PoisonMessageError('queue message is not a Posthaste email (v1)');
  }
  const checked = sendRequestSchema.safeParse(message.request);
  if (!checked.success) throw new PoisonMessageError(`queued request is invalid: ${checked.error.issues[0]?.message ?? 'unknown'}`);
  return { v: 1, id: message.id, request: message.request as EmailRequest, ...(typeof message.dueAt === 'string' ? { dueAt: message.dueAt } : {}) };
}
