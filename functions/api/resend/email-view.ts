/**
 * A message as Resend's `GET /emails/{id}` shows it. `last_event` is the latest line of
 * our history that Resend has a name for (opens and clicks included, as Resend reports
 * them); our bookkeeping lines (a retry, a redrive) read as the state they leave the
 * message in.
 */
import type { EventType, MessageRecord } from '../../core/records.js';

const RESEND_LAST_EVENTS = [
  'bounced',
  'canceled',
  'clicked',
  'complained',
  'delivered',
  'delivery_delayed',
  'failed',
  'opened',
  'queued',
  'scheduled',
  'sent',
  'suppressed',
] as const;
export type ResendLastEvent = (typeof RESEND_LAST_EVENTS)[number];

const LAST_EVENT: Record<EventType, ResendLastEvent> = {
  scheduled: 'scheduled',
  queued: 'queued',
  requeued: 'queued',
  retry: 'queued',
  canceled: 'canceled',
  sent: 'sent',
  failed: 'failed',
  rejected: 'failed',
  suppressed: 'suppressed',
  recipient_rejected: 'bounced',
  delivered: 'delivered',
  bounced: 'bounced',
  complained: 'complained',
  delayed: 'delivery_delayed',
  opened: 'opened',
  clicked: 'clicked',
};

export const lastEventOf = (record: Pick<MessageRecord, 'events' | 'status'>): ResendLastEvent => {
  const last = record.events.at(-1);
  return last ? LAST_EVENT[last.type] : record.status === 'scheduled' ? 'scheduled' : 'queued';
};

export interface ResendEmail {
  object: 'email';
  id: string;
  to: string[];
  from: string;
  created_at: string;
  subject: string;
  /** Bodies are not kept after delivery: null, as Resend answers for an email whose body it no longer has. */
  html: null;
  text: null;
  bcc: string[];
  cc: string[];
  /** Not kept on the record. */
  reply_to: null;
  last_event: ResendLastEvent;
  scheduled_at: string | null;
  tags: { name: string; value: string }[];
  /** The Message-ID header the message went out with, once it has. */
  message_id?: string;
}

/** The Message-ID our MIME builder writes (core/mime.ts): `<id@sender's domain>`. */
const messageIdOf = (record: MessageRecord): string => `<${record.id}@${record.from.split('@').pop()}>`;

/** A message as Resend's `GET /emails` lists it: the same, without bodies and tags. */
export type ResendListedEmail = Omit<ResendEmail, 'object' | 'html' | 'text' | 'tags'>;

export function resendListedEmail(record: MessageRecord): ResendListedEmail {
  const { object: _object, html: _html, text: _text, tags: _tags, ...listed } = resendEmailView(record);
  return listed;
}

export function resendEmailView(record: MessageRecord): ResendEmail {
  const handedOver = record.attempts > 0 || record.providerMessageId !== undefined;
  return {
    object: 'email',
    id: record.id,
    to: record.to,
    from: record.from,
    created_at: record.createdAt,
    subject: record.subject,
    html: null,
    text: null,
    bcc: record.bcc,
    cc: record.cc,
    reply_to: null,
    last_event: lastEventOf(record),
    scheduled_at: record.scheduledAt ?? null,
    tags: record.tags,
    ...(handedOver ? { message_id: messageIdOf(record) } : {}),
  };
}
