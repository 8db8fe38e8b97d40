import { invalid } from './errors.js';

/** How far ahead a message may be scheduled. */
export const MAX_SCHEDULE_DAYS = 30;

/**
 * Reads `scheduledAt` from a send request that already passed the schema (so it is an
 * ISO 8601 date-time with an offset). Returns undefined for "send now". `field` is the
 * name the problem document uses (`scheduledAt`, or `[3].scheduledAt` in a batch).
 */
export function readScheduledAt(body: unknown, now: Date, field = 'scheduledAt'): Date | undefined {
  const raw = (body as { scheduledAt?: unknown } | null)?.scheduledAt;
  if (raw === undefined) return undefined;
  const at = new Date(String(raw));
  if (Number.isNaN(at.getTime())) throw invalid(field, 'is not a valid date-time');
  if (at.getTime() <= now.getTime()) throw invalid(field, 'must be in the future');
  if (at.getTime() > now.getTime() + MAX_SCHEDULE_DAYS * 86_400_000) throw invalid(field, `must be at most ${MAX_SCHEDULE_DAYS} days ahead`);
  return at;
}

/** SQS holds a message back for at most 15 minutes. */
export const MAX_DELAY_SECONDS = 900;

/** Whole seconds until `due`, rounded up so a message never leaves before its time. */
export function delaySecondsUntil(due: Date, now: Date): number {
  const seconds = Math.ceil((due.getTime() - now.getTime()) / 1000);
  return Math.min(MAX_DELAY_SECONDS, Math.max(0, seconds));
}
