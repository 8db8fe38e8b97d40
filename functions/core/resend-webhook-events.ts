/**
 * Our webhook events in Resend's payload shape, for endpoints created with
 * `format: "resend"`: `{type, created_at, data: {email_id, from, to, subject, tags, …}}`,
 * with the per-type object Resend adds (`bounce`, `click`, `failed`, `suppressed`). The
 * event types keep their names (Resend uses the same `email.*` names); `email.canceled`
 * has no counterpart in Resend's webhooks and is not sent to these endpoints.
 */
import { WEBHOOK_EVENT_TYPES, type WebhookEvent, type WebhookEventType } from './webhook-events.js';

/** Every type of ours but `email.canceled`, which Resend's webhooks do not have. */
export const RESEND_WEBHOOK_TYPES: ReadonlySet<WebhookEventType> = new Set(WEBHOOK_EVENT_TYPES.filter((type) => type !== 'email.canceled'));

export interface ResendWebhookPayload {
  type: WebhookEventType;
  created_at: string;
  data: {
    /** When the fact happened (Resend puts the email's creation time here; our events carry the fact's). */
    created_at: string;
    email_id: string;
    from: string;
    to: string[];
    subject: string;
    tags: Record<string, string>;
    bounce?: { message: string; type: string; subType: string };
    click?: { ipAddress: string; link: string; timestamp: string; userAgent: string };
    failed?: { reason: string };
    suppressed?: { message: string; type: string };
  };
}

/** `Permanent/General` as SES reports it in our history; an SMTP refusal (no detail) is a permanent bounce. */
function bounceOf(event: WebhookEvent): NonNullable<ResendWebhookPayload['data']['bounce']> {
  const [type, subType] = (event.data.detail ?? '').split('/');
  return { message: event.data.response ?? event.data.detail ?? '', type: type || 'Permanent', subType: subType || 'General' };
}

/** The Resend-shaped payload of `event`, or undefined for a type Resend's webhooks do not have. */
export function resendWebhookPayload(event: WebhookEvent): ResendWebhookPayload | undefined {
  if (!RESEND_WEBHOOK_TYPES.has(event.type)) return undefined;
  const { id, from, to, subject, tags, detail, response, link, userAgent } = event.data;
  const data: ResendWebhookPayload['data'] = {
    created_at: event.createdAt,
    email_id: id,
    from,
    to,
    subject,
    tags: Object.fromEntries(tags.map((t) => [t.name, t.value])),
  };
  if (event.type === 'email.bounced') data.bounce = bounceOf(event);
  if (event.type === 'email.clicked') data.click = { ipAddress: '', link: link ?? '', timestamp: event.createdAt, userAgent: userAgent ?? '' };
  if (event.type === 'email.failed') data.failed = { reason: detail ?? response ?? 'the message could not be delivered' };
  if (event.type === 'email.suppressed') data.suppressed = { message: detail ?? 'on the suppression list; not sent', type: 'OnSuppressionList' };
  return { type: event.type, created_at: event.createdAt, data };
}
