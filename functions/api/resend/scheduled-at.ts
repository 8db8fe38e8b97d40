/**
 * Resend's `scheduled_at`: an ISO 8601 date-time, or the natural language Resend accepts
 * ("in 1 min", "tomorrow at 9am", "Friday at 3pm ET"), read by chrono-node's English
 * parser. Times without a zone are UTC, as on a Lambda. The result is the ISO 8601 instant
 * our schedule takes; the range (future, at most 30 days) is checked there. chrono-node
 * (≈ 47 KB) is loaded by the first phrase, not at cold start: most callers send ISO 8601.
 */
import { invalid } from '../../core/errors.js';

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;
const MAX_CHARS = 100;

export async function readResendScheduledAt(value: string, now: Date, field = 'scheduled_at'): Promise<string> {
  const text = value.trim();
  if (ISO_WITH_OFFSET.test(text)) return text;
  const unreadable = invalid(field, 'must be an ISO 8601 date-time or a phrase such as "in 1 hour" or "tomorrow at 9am"');
  if (text === '' || text.length > MAX_CHARS) throw unreadable;
  const chrono = await import('chrono-node/en');
  const [found] = chrono.parse(text, { instant: now, timezone: 'UTC' }, { forwardDate: true });
  // The phrase as a whole must be a time: "send it in 1 min please" is not read as "in 1 min".
  if (found?.index !== 0 || found.text.length !== text.length) throw unreadable;
  return found.date().toISOString();
}
