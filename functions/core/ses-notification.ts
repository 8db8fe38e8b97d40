/**
 * Reads the two shapes SES publishes to SNS: identity notifications (`notificationType`:
 * Bounce, Complaint, Delivery) and configuration-set event publishing (`eventType`: the same
 * plus Send, Reject, DeliveryDelay, Open, Click, Rendering Failure, Subscription). The
 * objects inside are the same in both. SES says it may add fields at any time, so unknown
 * fields are ignored and unknown types come back as `ignored`, never as an error.
 */
// zod/mini with its English messages: ~15 KB in the events bundle, where classic zod is ~90 KB.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { parseMailbox } from './address.js';
import { addressKey } from './feedback.js';
import { POSTHASTE_ID_HEADER } from './posthaste-id.js';

z.config(en());

const text = z.string();
const optionalText = z.pipe(
  z.nullish(z.string()),
  z.transform((v) => v ?? undefined),
);

const mailSchema = z.object({
  messageId: z.string().check(z.minLength(1)),
  timestamp: optionalText,
  source: optionalText,
  destination: z._default(z.array(text), []),
  headers: z._default(z.array(z.object({ name: text, value: text })), []),
  commonHeaders: z.nullish(z.object({ subject: optionalText })),
});

const bounceSchema = z.object({
  bounceType: text,
  bounceSubType: optionalText,
  bouncedRecipients: z.array(z.object({ emailAddress: text, action: optionalText, status: optionalText, diagnosticCode: optionalText })),
  timestamp: text,
  feedbackId: text,
  reportingMTA: optionalText,
  remoteMtaIp: optionalText,
});

const complaintSchema = z.object({
  complainedRecipients: z.array(z.object({ emailAddress: text })),
  timestamp: text,
  feedbackId: text,
  complaintSubType: optionalText,
  complaintFeedbackType: optionalText,
  userAgent: optionalText,
  arrivalDate: optionalText,
});

const deliverySchema = z.object({
  timestamp: text,
  recipients: z.array(text),
  smtpResponse: optionalText,
  reportingMTA: optionalText,
  processingTimeMillis: z.nullish(z.number()),
});

const delaySchema = z.object({
  timestamp: text,
  delayType: optionalText,
  expirationTime: optionalText,
  delayedRecipients: z._default(z.array(z.object({ emailAddress: text, status: optionalText, diagnosticCode: optionalText })), []),
  reportingMTA: optionalText,
});

const rejectSchema = z.nullish(z.object({ reason: optionalText }));

const openSchema = z.object({ timestamp: text, userAgent: optionalText, ipAddress: optionalText });

const clickSchema = z.object({ timestamp: text, link: text, userAgent: optionalText, ipAddress: optionalText });

export interface NotificationMail {
  sesMessageId: string;
  sentAt?: string;
  from?: string;
  subject?: string;
  destination: string[];
  /** Our message id from the X-Posthaste-Id header, when SES included the headers. */
  posthasteId?: string;
}

export interface BouncedRecipient {
  address: string;
  action?: string;
  status?: string;
  diagnosticCode?: string;
}

export type NotificationBody =
  | {
      kind: 'bounce';
      timestamp: string;
      feedbackId: string;
      bounceType: string;
      bounceSubType?: string;
      reportingMTA?: string;
      remoteMtaIp?: string;
      recipients: BouncedRecipient[];
      skippedRecipients: string[];
    }
  | {
      kind: 'complaint';
      timestamp: string;
      feedbackId: string;
      complaintFeedbackType?: string;
      complaintSubType?: string;
      userAgent?: string;
      arrivalDate?: string;
      recipients: string[];
      skippedRecipients: string[];
    }
  | { kind: 'delivery'; timestamp: string; recipients: string[]; skippedRecipients: string[]; smtpResponse?: string; reportingMTA?: string }
  | { kind: 'delay'; timestamp: string; delayType?: string; expirationTime?: string; recipients: BouncedRecipient[]; skippedRecipients: string[] }
  | { kind: 'reject'; reason: string }
  /** Engagement (configuration sets with open and click tracking): history only, never a status. */
  | { kind: 'open'; timestamp: string; userAgent?: string }
  | { kind: 'click'; timestamp: string; link: string; userAgent?: string };

export interface SesNotification {
  format: 'identity' | 'event';
  /** As SES wrote it: `Bounce`, `DeliveryDelay`, … */
  type: string;
  mail: NotificationMail;
  body: NotificationBody;
}

export type ParsedNotification =
  | { outcome: 'notification'; notification: SesNotification }
  /** A type Posthaste does not record (Send, Open, Click, a subscription confirmation, an unknown one). */
  | { outcome: 'ignored'; type: string; reason: string }
  /** Not an SES notification, or one whose required fields are missing. */
  | { outcome: 'invalid'; reason: string };

/** Types that are known and skipped on purpose, with the reason logged. */
const IGNORED: Record<string, string> = {
  Send: 'SES accepted the message; the deliver worker recorded it already',
  'Rendering Failure': 'Posthaste does not send SES templates',
  Subscription: 'subscription preferences are managed in SES',
  AmazonSnsSubscriptionSucceeded: 'SES confirms that the topic is subscribed',
};

const describeIssue = (error: z.core.$ZodError): string => {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
};

function readMail(value: unknown): { ok: true; mail: NotificationMail } | { ok: false; reason: string } {
  const parsed = mailSchema.safeParse(value);
  if (!parsed.success) return { ok: false, reason: `mail.${describeIssue(parsed.error)}` };
  const m = parsed.data;
  const header = m.headers.find((h) => h.name.toLowerCase() === POSTHASTE_ID_HEADER.toLowerCase())?.value.trim();
  const mail: NotificationMail = { sesMessageId: m.messageId, destination: m.destination.map(addressKey) };
  if (m.timestamp) mail.sentAt = m.timestamp;
  if (m.source) mail.from = m.source;
  if (m.commonHeaders?.subject) mail.subject = m.commonHeaders.subject;
  if (header) mail.posthasteId = header;
  return { ok: true, mail };
}

/**
 * A recipient as SES reported it, reduced to the address the tables key on: `Name <addr>`
 * becomes `addr`. Undefined when it is no address at all (empty, blank, garbage): such a
 * recipient is reported back as skipped and never becomes a key, so one bad entry cannot
 * stop the others of the same notification from being recorded.
 */
export function recipientAddress(raw: string): string | undefined {
  const checked = parseMailbox(raw);
  return checked.ok ? addressKey(checked.mailbox.email) : undefined;
}

/** Splits reported recipients into addresses and the raw entries that are not addresses. */
function readRecipients<T>(items: T[], raw: (item: T) => string): { valid: { item: T; address: string }[]; skipped: string[] } {
  const valid: { item: T; address: string }[] = [];
  const skipped: string[] = [];
  for (const item of items) {
    const address = recipientAddress(raw(item));
    if (address === undefined) skipped.push(raw(item).slice(0, 320));
    else valid.push({ item, address });
  }
  return { valid, skipped };
}

type ReportedRecipient = { emailAddress: string; action?: string | undefined; status?: string | undefined; diagnosticCode?: string | undefined };

const recipientOf = ({ item: r, address }: { item: ReportedRecipient; address: string }): BouncedRecipient =>
  defined({ address, action: r.action, status: r.status, diagnosticCode: r.diagnosticCode });

const defined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

function readBody(type: string, json: Record<string, unknown>): NotificationBody | { invalid: string } | undefined {
  const read = <S extends z.ZodMiniType>(schema: S, field: string): z.output<S> | { invalid: string } => {
    const parsed = schema.safeParse(json[field]);
    return parsed.success ? parsed.data : { invalid: `${field}.${describeIssue(parsed.error)}` };
  };
  switch (type) {
    case 'Bounce': {
      const b = read(bounceSchema, 'bounce');
      if ('invalid' in b) return b;
      const { bouncedRecipients, ...rest } = b;
      const { valid, skipped } = readRecipients(bouncedRecipients, (r) => r.emailAddress);
      return defined({ kind: 'bounce' as const, ...rest, recipients: valid.map(recipientOf), skippedRecipients: skipped });
    }
    case 'Complaint': {
      const c = read(complaintSchema, 'complaint');
      if ('invalid' in c) return c;
      const { complainedRecipients, ...rest } = c;
      const { valid, skipped } = readRecipients(complainedRecipients, (r) => r.emailAddress);
      return defined({ kind: 'complaint' as const, ...rest, recipients: valid.map((r) => r.address), skippedRecipients: skipped });
    }
    case 'Delivery': {
      const d = read(deliverySchema, 'delivery');
      if ('invalid' in d) return d;
      const { processingTimeMillis: _ms, recipients, ...rest } = d;
      const { valid, skipped } = readRecipients(recipients, (r) => r);
      return defined({ kind: 'delivery' as const, ...rest, recipients: valid.map((r) => r.address), skippedRecipients: skipped });
    }
    case 'DeliveryDelay': {
      const d = read(delaySchema, 'deliveryDelay');
      if ('invalid' in d) return d;
      const { delayedRecipients, reportingMTA: _mta, ...rest } = d;
      const { valid, skipped } = readRecipients(delayedRecipients, (r) => r.emailAddress);
      return defined({ kind: 'delay' as const, ...rest, recipients: valid.map(recipientOf), skippedRecipients: skipped });
    }
    case 'Reject': {
      const r = read(rejectSchema, 'reject');
      if (r && 'invalid' in r) return r;
      return { kind: 'reject', reason: r?.reason ?? 'rejected by SES' };
    }
    case 'Open': {
      const o = read(openSchema, 'open');
      if ('invalid' in o) return o;
      return defined({ kind: 'open' as const, timestamp: o.timestamp, userAgent: o.userAgent });
    }
    case 'Click': {
      const c = read(clickSchema, 'click');
      if ('invalid' in c) return c;
      return defined({ kind: 'click' as const, timestamp: c.timestamp, link: c.link, userAgent: c.userAgent });
    }
    default:
      return undefined;
  }
}

/** Reads one notification (the SNS message, already JSON-parsed). */
export function parseSesNotification(value: unknown): ParsedNotification {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { outcome: 'invalid', reason: 'the message is not a JSON object' };
  const json = value as Record<string, unknown>;
  const format = typeof json.eventType === 'string' ? 'event' : typeof json.notificationType === 'string' ? 'identity' : undefined;
  if (!format) return { outcome: 'invalid', reason: 'neither eventType nor notificationType is set' };
  const type = (format === 'event' ? json.eventType : json.notificationType) as string;
  if (IGNORED[type]) return { outcome: 'ignored', type, reason: IGNORED[type]! };
  const body = readBody(type, json);
  if (body === undefined) return { outcome: 'ignored', type, reason: 'unknown notification type' };
  if ('invalid' in body) return { outcome: 'invalid', reason: `${type}: ${body.invalid}` };
  const mail = readMail(json.mail);
  if (!mail.ok) return { outcome: 'invalid', reason: `${type}: ${mail.reason}` };
  return { outcome: 'notification', notification: { format, type, mail: mail.mail, body } };
}
