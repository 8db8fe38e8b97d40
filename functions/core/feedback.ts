/**
 * Bounce and complaint records, and the suppression rule: a Permanent bounce or a complaint
 * suppresses the recipient; Transient and Undetermined bounces do not (a full mailbox or an
 * unreachable server may work tomorrow). An SMTP 5xx for a recipient is a Permanent bounce.
 */
import type { FeedbackRecord, Suppression } from './records.js';

/** Addresses are compared and stored in lower case, as the deliver worker settles them. */
export const addressKey = (address: string): string => address.trim().toLowerCase();

/** Sorts by time; the type and feedback id make it unique per report and recipient. */
export const feedbackKey = (timestamp: string, type: FeedbackRecord['type'], feedbackId: string): string => `${timestamp}#${type}#${feedbackId}`;

/**
 * A complaint whose feedback type is `not-spam` (RFC 5965 §7.3) says the recipient does NOT
 * consider the message spam (they took it out of a spam folder): it is recorded, never a
 * reason to stop sending to them.
 */
export const isNotSpamReport = (feedbackType: string | undefined): boolean => feedbackType?.trim().toLowerCase() === 'not-spam';

export const suppresses = (record: FeedbackRecord): boolean =>
  (record.type === 'complaint' && !isNotSpamReport(record.complaintFeedbackType)) || record.bounceType === 'Permanent';

export function suppressionFor(record: FeedbackRecord, at: string): Suppression {
  const entry: Suppression = {
    address: record.recipient,
    reason: record.type,
    origin: record.origin,
    createdAt: at,
    feedbackId: record.feedbackId,
  };
  for (const key of ['messageId', 'sesMessageId', 'bounceType', 'bounceSubType', 'diagnosticCode'] as const) {
    if (record[key] !== undefined) entry[key] = record[key];
  }
  return entry;
}

const ENHANCED_STATUS = /\b([245]\.\d{1,3}\.\d{1,3})\b/;

/** The record for a recipient the relay refused with a 5xx: a Permanent bounce reported by SMTP. */
export function smtpBounce(recipient: string, response: string, messageId: string, from: string, at: string): FeedbackRecord {
  const feedbackId = `smtp:${messageId}`;
  const record: FeedbackRecord = {
    recipient: addressKey(recipient),
    feedbackKey: feedbackKey(at, 'bounce', feedbackId),
    type: 'bounce',
    timestamp: at,
    feedbackId,
    origin: 'smtp',
    recordedAt: at,
    messageId,
    from,
    bounceType: 'Permanent',
    bounceSubType: 'General',
    diagnosticCode: `smtp; ${response}`,
    action: 'failed',
  };
  const status = ENHANCED_STATUS.exec(response)?.[1];
  if (status) record.status = status;
  return record;
}
