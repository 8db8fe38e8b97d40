// Generated from docs/openapi.json by client/write-api-types.ts (`npm run openapi`). Do not edit.

export type Mailbox =
  | string
  | {
      name?: string | undefined;
      email: string;
    };

export type SendEmailRequest = {
  from: Mailbox;
  /** One address or a list of them */
  to: Mailbox | Mailbox[];
  /** One address or a list of them */
  cc?: Mailbox | Mailbox[] | undefined;
  /** One address or a list of them */
  bcc?: Mailbox | Mailbox[] | undefined;
  /** One address or a list of them */
  replyTo?: Mailbox | Mailbox[] | undefined;
  /** Required unless `template` is given */
  subject?: string | undefined;
  text?: string | undefined;
  html?: string | undefined;
  /** Render subject, html and text from a stored template instead of giving them */
  template?:
    | {
        alias: string;
        /** A version number; the latest when absent */
        version?: number | undefined;
        /** The values the template names; every one it names must be here (null or false for "none") */
        variables?: Record<string, unknown> | undefined;
      }
    | undefined;
  /** When html has no text beside it, a text part is made from the html (true unless set to false) */
  autoText?: boolean | undefined;
  attachments?:
    | Array<{
        filename: string;
        content: string;
        contentType?: string | undefined;
        contentId?: string | undefined;
      }>
    | undefined;
  headers?: Record<string, string> | undefined;
  tags?:
    | {
        name: string;
        value: string;
      }[]
    | undefined;
  scheduledAt?: string | undefined;
};

export type SendBatchRequest = SendEmailRequest[];

export type WebhookEndpointRequest = {
  url: string;
  /** `posthaste`: this payload, Standard Webhooks `webhook-*` headers. `resend`: Resend's payload, the same signature under `svix-*` headers */
  format?: 'posthaste' | 'resend' | undefined;
  events?:
    | Array<
        | 'email.sent'
        | 'email.delivered'
        | 'email.delivery_delayed'
        | 'email.bounced'
        | 'email.complained'
        | 'email.failed'
        | 'email.suppressed'
        | 'email.opened'
        | 'email.clicked'
        | 'email.canceled'
      >
    | undefined;
  description?: string | undefined;
  enabled?: boolean | undefined;
};

export type CreateTemplateRequest = {
  alias: string;
  /** Handlebars source of the subject; rendered without HTML escaping */
  subject: string;
  /** Handlebars source of the html part; variables are HTML-escaped */
  html?: string | undefined;
  /** Handlebars source of the text part; without it, a text part is made from the rendered html */
  text?: string | undefined;
  description?: string | undefined;
  /** Partials by name, called as `{{> name}}` (a layout as `{{#> layout}}…{{/layout}}`); stored with the version */
  partials?: Record<string, string> | undefined;
};

export type TemplateVersionRequest = {
  /** Handlebars source of the subject; rendered without HTML escaping */
  subject: string;
  /** Handlebars source of the html part; variables are HTML-escaped */
  html?: string | undefined;
  /** Handlebars source of the text part; without it, a text part is made from the rendered html */
  text?: string | undefined;
  description?: string | undefined;
  /** Partials by name, called as `{{> name}}` (a layout as `{{#> layout}}…{{/layout}}`); stored with the version */
  partials?: Record<string, string> | undefined;
};

export type RenderTemplateRequest = {
  /** The values the template names; every one it names must be here (null or false for "none") */
  variables?: Record<string, unknown> | undefined;
  /** Make a text part from the html when the template has none (true unless set to false) */
  autoText?: boolean | undefined;
};

export type Accepted = {
  id: string;
  status: 'queued' | 'scheduled';
  /** When a scheduled message is due */
  scheduledAt?: string | undefined;
};

export type Email = {
  id: string;
  status: 'scheduled' | 'queued' | 'sent' | 'delivered' | 'bounced' | 'complained' | 'failed' | 'suppressed' | 'canceled';
  /** ISO 8601 date-time (UTC) */
  createdAt: string;
  /** ISO 8601 date-time (UTC) */
  updatedAt: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  tags: {
    name: string;
    value: string;
  }[];
  attempts: number;
  relayResponse?: string | undefined;
  providerMessageId?: string | undefined;
  failureReason?: string | undefined;
  /** ISO 8601 date-time (UTC) */
  scheduledAt?: string | undefined;
  /** The stored template and version the content was rendered from, when it was */
  template?:
    | {
        alias: string;
        version: number;
      }
    | undefined;
  events: EmailEvent[];
};

export type EmailEvent = {
  /** scheduled, queued, sent, retry, failed, recipient_rejected, delivered, bounced, complained, canceled, requeued, opened, clicked, … */
  type: string;
  /** ISO 8601 date-time (UTC) */
  at: string;
  recipients?: string[] | undefined;
  /** The relay's or SES's own words */
  response?: string | undefined;
  detail?: string | undefined;
  /** Clicks: the link followed */
  link?: string | undefined;
  /** Opens and clicks: the reader's user agent */
  userAgent?: string | undefined;
};

/** What a message sent, kept for contentRetentionDays (CDK context) from the first attempt that reaches SES or the relay */
export type EmailContent = {
  id: string;
  /** The MIME header block as sent, unfolded and in order */
  headers: {
    name: string;
    value: string;
  }[];
  text?: string | undefined;
  /** Show it sandboxed: it is what the sender wrote, scripts and remote images included */
  html?: string | undefined;
  attachments: Array<{
    filename: string;
    contentType: string;
    bytes: number;
    /** Inline parts: the cid: the HTML refers to */
    contentId?: string | undefined;
  }>;
  /** A part was longer than 1,048,576 characters: only its start is kept */
  truncated?: boolean | undefined;
};

/** One line of the email log; GET /v1/emails/{id} has the rest */
export type EmailSummary = {
  id: string;
  status: 'scheduled' | 'queued' | 'sent' | 'delivered' | 'bounced' | 'complained' | 'failed' | 'suppressed' | 'canceled';
  from: string;
  to: string[];
  /** Absent when empty */
  cc?: string[] | undefined;
  /** Absent when empty */
  bcc?: string[] | undefined;
  subject: string;
  tags: {
    name: string;
    value: string;
  }[];
  /** ISO 8601 date-time (UTC) */
  createdAt: string;
  /** ISO 8601 date-time (UTC) */
  updatedAt: string;
  /** ISO 8601 date-time (UTC) */
  scheduledAt?: string | undefined;
  /** The newest line of its history */
  lastEvent?:
    | {
        /** scheduled, queued, sent, retry, failed, recipient_rejected, delivered, bounced, complained, canceled, requeued, opened, clicked, … */
        type: string;
        /** ISO 8601 date-time (UTC) */
        at: string;
      }
    | undefined;
};

export type EmailList = {
  data: EmailSummary[];
  /** Pass as `cursor` for the next page; absent on the last page */
  nextCursor?: string | undefined;
};

export type Canceled = {
  id: string;
  status: 'canceled';
};

/** 202 when every item was accepted, 207 when at least one was not; one result per item, in request order */
export type BatchResult = {
  results: Array<
    | {
        id: string;
        status: 'queued' | 'scheduled';
        /** When a scheduled message is due */
        scheduledAt?: string | undefined;
        /** Position of the item in the request */
        index: number;
      }
    | {
        index: number;
        error: Problem;
      }
  >;
  accepted: number;
  failed: number;
};

/** RFC 9457 problem document (application/problem+json) */
export type Problem = {
  /** urn:posthaste:problem:<code> */
  type: string;
  title: string;
  status: number;
  /** Stable error code */
  code:
    | 'invalid_json'
    | 'unsupported_media_type'
    | 'validation_failed'
    | 'too_many_recipients'
    | 'sender_not_allowed'
    | 'payload_too_large'
    | 'idempotency_key_conflict'
    | 'idempotency_key_in_use'
    | 'not_found'
    | 'not_cancelable'
    | 'template_exists'
    | 'not_reschedulable'
    | 'method_not_allowed'
    | 'service_unavailable'
    | 'internal_error';
  detail: string;
  /** The first failing field, e.g. `to`, `attachments[0].content`, or `[3].to` in a batch */
  field?: string | undefined;
  errors?:
    | {
        field: string;
        message: string;
      }[]
    | undefined;
  /** Request id */
  instance?: string | undefined;
};

export type Suppression = {
  address: string;
  reason: 'bounce' | 'complaint';
  origin: 'ses' | 'smtp';
  /** ISO 8601 date-time (UTC) */
  createdAt: string;
  messageId?: string | undefined;
  sesMessageId?: string | undefined;
  feedbackId?: string | undefined;
  bounceType?: string | undefined;
  bounceSubType?: string | undefined;
  diagnosticCode?: string | undefined;
};

export type SuppressionList = {
  data: Suppression[];
  /** Pass as `cursor` for the next page; absent on the last page */
  nextCursor?: string | undefined;
};

export type Bounce = {
  recipient: string;
  feedbackKey: string;
  type: 'bounce' | 'complaint';
  /** ISO 8601 date-time (UTC) */
  timestamp: string;
  feedbackId: string;
  origin: 'ses' | 'smtp';
  /** ISO 8601 date-time (UTC) */
  recordedAt: string;
  messageId?: string | undefined;
  sesMessageId?: string | undefined;
  /** ISO 8601 date-time (UTC) */
  sentAt?: string | undefined;
  from?: string | undefined;
  subject?: string | undefined;
  bounceType?: string | undefined;
  bounceSubType?: string | undefined;
  diagnosticCode?: string | undefined;
  status?: string | undefined;
  action?: string | undefined;
  reportingMTA?: string | undefined;
  remoteMtaIp?: string | undefined;
  complaintFeedbackType?: string | undefined;
  complaintSubType?: string | undefined;
  userAgent?: string | undefined;
  arrivalDate?: string | undefined;
};

export type BounceList = {
  data: Bounce[];
  /** Pass as `cursor` for the next page; absent on the last page */
  nextCursor?: string | undefined;
};

export type WebhookEndpoint = {
  id: string;
  /** https URL the events are POSTed to */
  url: string;
  /** `posthaste` (absent on older endpoints) or `resend` */
  format?: 'posthaste' | 'resend' | undefined;
  /** Types delivered to it; empty means every type */
  events: Array<
    | 'email.sent'
    | 'email.delivered'
    | 'email.delivery_delayed'
    | 'email.bounced'
    | 'email.complained'
    | 'email.failed'
    | 'email.suppressed'
    | 'email.opened'
    | 'email.clicked'
    | 'email.canceled'
  >;
  description?: string | undefined;
  enabled: boolean;
  /** Why it is off: by an operator, or after failing every attempt for a day */
  disabledReason?: string | undefined;
  /** ISO 8601 date-time (UTC) */
  disabledAt?: string | undefined;
  /** ISO 8601 date-time (UTC) */
  createdAt: string;
  /** ISO 8601 date-time (UTC) */
  updatedAt: string;
  /** Attempts failed in a row since the last 2xx */
  consecutiveFailures: number;
  /** ISO 8601 date-time (UTC) */
  failingSince?: string | undefined;
};

export type WebhookEndpointCreated = {
  id: string;
  /** https URL the events are POSTed to */
  url: string;
  /** `posthaste` (absent on older endpoints) or `resend` */
  format?: 'posthaste' | 'resend' | undefined;
  /** Types delivered to it; empty means every type */
  events: Array<
    | 'email.sent'
    | 'email.delivered'
    | 'email.delivery_delayed'
    | 'email.bounced'
    | 'email.complained'
    | 'email.failed'
    | 'email.suppressed'
    | 'email.opened'
    | 'email.clicked'
    | 'email.canceled'
  >;
  description?: string | undefined;
  enabled: boolean;
  /** Why it is off: by an operator, or after failing every attempt for a day */
  disabledReason?: string | undefined;
  /** ISO 8601 date-time (UTC) */
  disabledAt?: string | undefined;
  /** ISO 8601 date-time (UTC) */
  createdAt: string;
  /** ISO 8601 date-time (UTC) */
  updatedAt: string;
  /** Attempts failed in a row since the last 2xx */
  consecutiveFailures: number;
  /** ISO 8601 date-time (UTC) */
  failingSince?: string | undefined;
  /** `whsec_<base64>`: verify signatures with it. Shown only in this answer */
  secret: string;
};

export type WebhookEndpointList = {
  data: WebhookEndpoint[];
  /** Pass as `cursor` for the next page; absent on the last page */
  nextCursor?: string | undefined;
};

export type WebhookDelivery = {
  endpointId: string;
  deliveryId: string;
  /** The `webhook-id` header of every attempt */
  eventId: string;
  eventType:
    | 'email.sent'
    | 'email.delivered'
    | 'email.delivery_delayed'
    | 'email.bounced'
    | 'email.complained'
    | 'email.failed'
    | 'email.suppressed'
    | 'email.opened'
    | 'email.clicked'
    | 'email.canceled';
  messageId: string;
  /** The exact body every attempt sends */
  payload: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: Array<{
    /** ISO 8601 date-time (UTC) */
    at: string;
    durationMs: number;
    /** The endpoint's HTTP status; absent when it did not answer */
    statusCode?: number | undefined;
    /** The first kilobyte of the reply */
    reply?: string | undefined;
    error?: string | undefined;
  }>;
  /** While the delivery is pending after a failed attempt: when the next one is due */
  nextAttemptAt?: string | undefined;
  /** ISO 8601 date-time (UTC) */
  createdAt: string;
  /** ISO 8601 date-time (UTC) */
  updatedAt: string;
};

export type WebhookDeliveryList = {
  data: WebhookDelivery[];
  /** Pass as `cursor` for the next page; absent on the last page */
  nextCursor?: string | undefined;
};

export type WebhookEvent = {
  type:
    | 'email.sent'
    | 'email.delivered'
    | 'email.delivery_delayed'
    | 'email.bounced'
    | 'email.complained'
    | 'email.failed'
    | 'email.suppressed'
    | 'email.opened'
    | 'email.clicked'
    | 'email.canceled';
  /** ISO 8601 date-time (UTC) */
  createdAt: string;
  data: {
    /** Our message id, as POST /v1/emails returned it */
    id: string;
    from: string;
    to: string[];
    cc: string[];
    bcc: string[];
    subject: string;
    tags: {
      name: string;
      value: string;
    }[];
    /** The recipients this fact concerns */
    recipients?: string[] | undefined;
    /** The relay's or SES's own words */
    response?: string | undefined;
    /** Bounce type/subtype, complaint type, failure reason */
    detail?: string | undefined;
    /** email.clicked: the link followed */
    link?: string | undefined;
    /** email.opened, email.clicked: the reader's user agent */
    userAgent?: string | undefined;
  };
};

/** A webhook event as GET /v1/events lists it: the body its deliveries POST, with its id */
export type FeedEvent = {
  type:
    | 'email.sent'
    | 'email.delivered'
    | 'email.delivery_delayed'
    | 'email.bounced'
    | 'email.complained'
    | 'email.failed'
    | 'email.suppressed'
    | 'email.opened'
    | 'email.clicked'
    | 'email.canceled';
  /** ISO 8601 date-time (UTC) */
  createdAt: string;
  data: {
    /** Our message id, as POST /v1/emails returned it */
    id: string;
    from: string;
    to: string[];
    cc: string[];
    bcc: string[];
    subject: string;
    tags: {
      name: string;
      value: string;
    }[];
    /** The recipients this fact concerns */
    recipients?: string[] | undefined;
    /** The relay's or SES's own words */
    response?: string | undefined;
    /** Bounce type/subtype, complaint type, failure reason */
    detail?: string | undefined;
    /** email.clicked: the link followed */
    link?: string | undefined;
    /** email.opened, email.clicked: the reader's user agent */
    userAgent?: string | undefined;
  };
  /** The event id: the `webhook-id` header its webhook deliveries carry */
  id: string;
};

export type EventFeed = {
  data: FeedEvent[];
  /** Pass as `cursor` for the next page; absent on the last page */
  nextCursor?: string | undefined;
};

export type Template = {
  alias: string;
  version: number;
  subject: string;
  html?: string | undefined;
  text?: string | undefined;
  description?: string | undefined;
  partials?: Record<string, string> | undefined;
  /** When this version was made */
  createdAt: string;
};

export type TemplateVersion = {
  alias: string;
  /** 1, 2, 3, …; never reused for this alias */
  version: number;
};

export type TemplateSummary = {
  alias: string;
  /** The latest version */
  version: number;
  subject: string;
  description?: string | undefined;
  /** When the latest version was made */
  createdAt: string;
};

export type TemplateList = {
  data: TemplateSummary[];
  /** Pass as `cursor` for the next page; absent on the last page */
  nextCursor?: string | undefined;
};

/** What a send with these variables would carry; nothing was sent */
export type RenderedTemplate = {
  alias: string;
  version: number;
  subject: string;
  html?: string | undefined;
  /** The template's text, or the one made from its html */
  text?: string | undefined;
};

export type GatewayError = {
  message: string;
};
