/**
 * What an SES notification changes: the message's status and history, one feedback record
 * per bounced or complaining recipient, and suppressions. Every write is idempotent, so a
 * redelivered notification (SNS and Lambda both deliver at least once) changes nothing.
 */
import { feedbackKey, isNotSpamReport, suppresses, suppressionFor } from './feedback.js';
import type { Log } from './log.js';
import type { Metrics } from './metrics.js';
import type { Clock, FeedbackMessages, FeedbackStore, NotificationUpdate, SuppressionStore } from './ports.js';
import type { FeedbackRecord } from './records.js';
import { parseSesNotification, type SesNotification } from './ses-notification.js';

export interface NotificationDeps {
  messages: FeedbackMessages;
  feedback: FeedbackStore;
  suppressions: SuppressionStore;
  clock: Clock;
  log: Log;
  metrics?: Metrics;
}

export type NotificationOutcome =
  | { result: 'recorded'; type: string; messageId?: string; feedback: number; suppressed: number }
  | { result: 'skipped'; reason: string };

/** Where the message record goes: status, history line, and the key that makes it happen once. */
function messageUpdate(n: SesNotification, at: string): NotificationUpdate {
  const body = n.body;
  const id = n.mail.sesMessageId;
  switch (body.kind) {
    case 'bounce':
      return {
        key: `bounce:${body.feedbackId}`,
        status: 'bounced',
        events: [
          {
            type: 'bounced',
            at: body.timestamp,
            recipients: body.recipients.map((r) => r.address),
            ...optional('response', body.recipients[0]?.diagnosticCode),
            detail: [body.bounceType, body.bounceSubType].filter(Boolean).join('/'),
          },
        ],
      };
    case 'complaint':
      return {
        key: `complaint:${body.feedbackId}`,
        // A not-spam report goes into the history; it is no complaint against the message.
        ...(isNotSpamReport(body.complaintFeedbackType) ? {} : { status: 'complained' as const }),
        events: [{ type: 'complained', at: body.timestamp, recipients: body.recipients, ...optional('detail', body.complaintFeedbackType) }],
      };
    case 'delivery':
      return {
        key: `delivery:${id}:${body.timestamp}:${body.recipients.join(',')}`,
        status: 'delivered',
        events: [{ type: 'delivered', at: body.timestamp, recipients: body.recipients, ...optional('response', body.smtpResponse) }],
      };
    case 'delay':
      return {
        key: `delay:${id}:${body.timestamp}:${body.recipients.map((r) => r.address).join(',')}`,
        events: [
          {
            type: 'delayed',
            at: body.timestamp,
            recipients: body.recipients.map((r) => r.address),
            ...optional('response', body.recipients[0]?.diagnosticCode),
            ...optional('detail', body.delayType),
          },
        ],
      };
    case 'open':
      return {
        key: `open:${id}:${body.timestamp}`,
        events: [{ type: 'opened', at: body.timestamp, ...optional('userAgent', body.userAgent) }],
      };
    case 'click':
      return {
        key: `click:${id}:${body.timestamp}:${body.link}`,
        events: [{ type: 'clicked', at: body.timestamp, link: body.link, ...optional('userAgent', body.userAgent) }],
      };
    case 'reject':
      return {
        key: `reject:${id}`,
        status: 'failed',
        failure: { kind: 'permanent', reason: `SES rejected the message: ${body.reason}` },
        events: [{ type: 'rejected', at, detail: body.reason }],
      };
  }
}

const optional = <K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> =>
  value === undefined ? {} : ({ [key]: value } as Record<K, string>);

function feedbackRecords(n: SesNotification, messageId: string | undefined, at: string): FeedbackRecord[] {
  const body = n.body;
  if (body.kind !== 'bounce' && body.kind !== 'complaint') return [];
  const common = {
    type: body.kind,
    timestamp: body.timestamp,
    feedbackId: body.feedbackId,
    origin: 'ses' as const,
    recordedAt: at,
    sesMessageId: n.mail.sesMessageId,
    ...optional('messageId', messageId),
    ...optional('sentAt', n.mail.sentAt),
    ...optional('from', n.mail.from),
    ...optional('subject', n.mail.subject),
  };
  if (body.kind === 'bounce') {
    return body.recipients.map((r) => ({
      ...common,
      recipient: r.address,
      feedbackKey: feedbackKey(body.timestamp, 'bounce', body.feedbackId),
      bounceType: body.bounceType,
      ...optional('bounceSubType', body.bounceSubType),
      ...optional('diagnosticCode', r.diagnosticCode),
      ...optional('status', r.status),
      ...optional('action', r.action),
      ...optional('reportingMTA', body.reportingMTA),
      ...optional('remoteMtaIp', body.remoteMtaIp),
    }));
  }
  return body.recipients.map((recipient) => ({
    ...common,
    recipient,
    feedbackKey: feedbackKey(body.timestamp, 'complaint', body.feedbackId),
    ...optional('complaintFeedbackType', body.complaintFeedbackType),
    ...optional('complaintSubType', body.complaintSubType),
    ...optional('userAgent', body.userAgent),
    ...optional('arrivalDate', body.arrivalDate),
  }));
}

/**
 * Finds our message: by SES MessageId through the index, or by the X-Posthaste-Id header
 * when the notification raced the deliver worker's status write (the index has no entry
 * yet).
 */
async function findMessage(deps: NotificationDeps, n: SesNotification): Promise<string | undefined> {
  const byIndex = await deps.messages.idByProviderMessageId(n.mail.sesMessageId);
  if (byIndex !== undefined) return byIndex;
  const byHeader = n.mail.posthasteId;
  return byHeader !== undefined && (await deps.messages.exists(byHeader)) ? byHeader : undefined;
}

/**
 * Records one SNS message body. Unreadable or unknown notifications are logged and skipped
 * (retrying them cannot help); a failing store throws, so Lambda retries the event.
 */
export async function recordNotification(deps: NotificationDeps, message: string): Promise<NotificationOutcome> {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    deps.log('warn', 'SNS message is not JSON; skipped', { sample: message.slice(0, 200) });
    return { result: 'skipped', reason: 'not JSON' };
  }
  const parsed = parseSesNotification(json);
  if (parsed.outcome === 'invalid') {
    deps.log('warn', 'unreadable SES notification; skipped', { reason: parsed.reason });
    return { result: 'skipped', reason: parsed.reason };
  }
  if (parsed.outcome === 'ignored') {
    deps.log('info', 'SES notification not recorded', { type: parsed.type, reason: parsed.reason });
    return { result: 'skipped', reason: parsed.reason };
  }
  const n = parsed.notification;
  const at = deps.clock.now().toISOString();
  const messageId = await findMessage(deps, n);
  if (messageId === undefined) {
    deps.log('warn', 'SES notification for a message Posthaste does not know; feedback is recorded without it', {
      type: n.type,
      sesMessageId: n.mail.sesMessageId,
      ...optional('posthasteId', n.mail.posthasteId),
    });
  }

  if ('skippedRecipients' in n.body && n.body.skippedRecipients.length > 0) {
    deps.log('warn', 'SES notification names recipients that are not email addresses; they are skipped', {
      type: n.type,
      sesMessageId: n.mail.sesMessageId,
      skippedRecipients: n.body.skippedRecipients.slice(0, 10),
    });
  }

  let suppressed = 0;
  const records = feedbackRecords(n, messageId, at);
  for (const record of records) {
    // Suppress before writing the record: a retry after a crash in between still suppresses,
    // and a redelivery after an operator lifted the suppression (the record exists) does not.
    if (suppresses(record) && !(await deps.feedback.has(record.recipient, record.feedbackKey))) {
      if (await deps.suppressions.add(suppressionFor(record, at))) suppressed++;
    }
    // Counted once per recipient: a redelivered notification writes nothing and counts nothing.
    if (await deps.feedback.record(record)) deps.metrics?.count(record.type === 'bounce' ? 'bounced' : 'complained');
  }
  // The message last: once its status moves, its feedback records are there to read.
  if (messageId !== undefined) await deps.messages.applyNotification(messageId, messageUpdate(n, at));
  deps.log('info', 'SES notification recorded', {
    type: n.type,
    sesMessageId: n.mail.sesMessageId,
    ...optional('messageId', messageId),
    feedback: records.length,
    suppressed,
  });
  return { result: 'recorded', type: n.type, ...optional('messageId', messageId), feedback: records.length, suppressed };
}
