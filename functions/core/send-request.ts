// A namespace import lets esbuild drop the zod it does not use; `import { z }` bundles all of it (~440 KB).
import * as z from 'zod';
import { type Mailbox, parseMailbox } from './address.js';
import { clip, type FieldIssue, PosthasteError, validationFailed } from './errors.js';

/** Limits a user can rely on; they match what SES and most relays accept. */
export const LIMITS = {
  recipients: 50,
  messageBytes: 10 * 1024 * 1024,
  subjectChars: 998,
  headers: 50,
  headerValueChars: 998,
  tags: 50,
  attachments: 100,
} as const;

/**
 * Headers the service writes itself. Letting callers set them would let them forge the
 * envelope, break the MIME structure or hide a Bcc.
 */
const RESERVED_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'reply-to',
  'sender',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'content-disposition',
  'content-id',
  'return-path',
  'x-posthaste-id',
  'dkim-signature',
  'received',
]);

const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/; // control characters except TAB
// In a `u` regex a valid surrogate pair is one code point, so this matches only lone halves,
// which cannot be encoded as UTF-8 and would fail the message at delivery time.
const LONE_SURROGATE = /\p{Cs}/u;
const wellFormed = (value: string) => !LONE_SURROGATE.test(value);
const UNICODE_MESSAGE = 'must be valid Unicode (no lone surrogate halves)';
const HEADER_NAME = /^[\u0021-\u0039\u003b-\u007e]{1,76}$/; // RFC 5322 ftext
export const TAG_PART = /^[A-Za-z0-9_-]{1,256}$/; // SES message tag charset
const CONTENT_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;
const CONTENT_ID = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.@-]{1,250}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const CONTROL_MESSAGE = 'must not contain control characters (CR, LF, NUL, …)';

/**
 * Messages in plain words, for every issue zod raises itself (the schema's own messages win):
 * "is required", "must be a string", "must be at most 998 characters", never zod's
 * "Invalid input: expected string, received undefined". Passed to every parse of the schema.
 */
export function plainWords(issue: z.core.$ZodRawIssue): string {
  if (issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union')) return 'is required';
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${KINDS[issue.expected] ?? `a ${issue.expected}`}`;
    case 'too_big':
      return issue.origin === 'string' ? `must be at most ${issue.maximum} characters` : `must hold at most ${issue.maximum} items`;
    case 'too_small':
      if (issue.origin !== 'string') return `must hold at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`;
      return issue.minimum === 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`;
    case 'invalid_format':
      return `is not a valid ${issue.format}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return 'is not valid here';
  }
}

const KINDS: Record<string, string> = {
  array: 'a list',
  object: 'an object',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
};

const MAILBOX_MESSAGE = 'must be an email address or {name, email}';

/** One address, as a string or `{name, email}`; both forms go through parseMailbox, which holds every limit. */
export const mailbox = z
  .union([z.string(), z.strictObject({ name: z.string().meta({ maxLength: 256 }).optional(), email: z.string() })], {
    error: (issue) => (issue.input === undefined ? 'is required' : MAILBOX_MESSAGE),
  })
  .transform((value, ctx): Mailbox => {
    const checked = parseMailbox(value);
    if (checked.ok) return checked.mailbox;
    ctx.addIssue({ code: 'custom', message: checked.reason, path: typeof value === 'string' ? [] : [checked.part ?? 'email'] });
    return z.NEVER;
  });

const mailboxList = z.array(mailbox).max(LIMITS.recipients);

/** One address or a list; errors keep their exact path (`to` or `to[3]`), which a union would lose. */
const mailboxes = z
  .unknown()
  .transform((value, ctx): Mailbox[] => {
    const result = Array.isArray(value) ? mailboxList.safeParse(value, { error: plainWords }) : mailbox.safeParse(value, { error: plainWords });
    if (result.success) return Array.isArray(result.data) ? result.data : [result.data];
    for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    return z.NEVER;
  })
  .meta({
    // The transform hides the accepted shapes from JSON Schema; the OpenAPI document reads this.
    description: 'One address or a list of them',
    anyOf: [{ $ref: '#/components/schemas/Mailbox' }, { type: 'array', items: { $ref: '#/components/schemas/Mailbox' }, maxItems: LIMITS.recipients }],
  });

const checkedString = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !CONTROL.test(v), { message: CONTROL_MESSAGE })
    .refine(wellFormed, { message: UNICODE_MESSAGE });

const bodyText = z.string().refine(wellFormed, { message: UNICODE_MESSAGE });

const attachment = z.strictObject({
  filename: checkedString(255).pipe(z.string().min(1)),
  content: z
    .string()
    .transform((v) => v.replace(/[\r\n\t ]/g, ''))
    .refine((v) => v.length % 4 === 0 && BASE64.test(v), { message: 'must be base64' }),
  contentType: z.string().regex(CONTENT_TYPE, 'must be a MIME type such as application/pdf').default('application/octet-stream'),
  contentId: z
    .string()
    .transform((v) => v.replace(/^<(.*)>$/, '$1'))
    .refine((v) => CONTENT_ID.test(v), { message: 'must be a token such as logo@example' })
    .optional(),
});

const headers = z.record(z.string(), z.string()).superRefine((record, ctx) => {
  const entries = Object.entries(record);
  if (entries.length > LIMITS.headers) ctx.addIssue({ code: 'custom', message: `at most ${LIMITS.headers} headers` });
  for (const [name, value] of entries) {
    if (!HEADER_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'is not a valid header name' });
    else if (RESERVED_HEADERS.has(name.toLowerCase())) ctx.addIssue({ code: 'custom', path: [name], message: 'is set by Posthaste and cannot be overridden' });
    if (CONTROL.test(value)) ctx.addIssue({ code: 'custom', path: [name], message: CONTROL_MESSAGE });
    else if (!wellFormed(value)) ctx.addIssue({ code: 'custom', path: [name], message: UNICODE_MESSAGE });
    else if (value.length > LIMITS.headerValueChars)
      ctx.addIssue({ code: 'custom', path: [name], message: `must be at most ${LIMITS.headerValueChars} characters` });
  }
});

const tag = z.strictObject({
  name: z.string().regex(TAG_PART, 'must be 1-256 of A-Z a-z 0-9 _ -'),
  value: z.string().regex(TAG_PART, 'must be 1-256 of A-Z a-z 0-9 _ -'),
});

/** A body a reader would see: not absent, not only white space. */
const hasContent = (body: string | undefined): boolean => body !== undefined && body.trim() !== '';

export const sendRequestSchema = z
  .strictObject({
    from: mailbox,
    to: mailboxes,
    cc: mailboxes.optional(),
    bcc: mailboxes.optional(),
    replyTo: mailboxes.optional(),
    subject: checkedString(LIMITS.subjectChars),
    text: bodyText.optional(),
    html: bodyText.optional(),
    attachments: z.array(attachment).max(LIMITS.attachments).optional(),
    headers: headers.optional(),
    tags: z.array(tag).max(LIMITS.tags).optional(),
    /** When to send (ISO 8601 with an offset); the range is checked against the clock in schedule.ts. */
    scheduledAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with an offset, e.g. 2030-01-31T09:00:00+01:00' }).optional(),
  })
  .superRefine((req, ctx) => {
    if (req.text === undefined && req.html === undefined) ctx.addIssue({ code: 'custom', path: ['text'], message: 'text or html is required' });
    else if (!hasContent(req.text) && !hasContent(req.html)) ctx.addIssue({ code: 'custom', path: ['text'], message: 'text or html must have content' });
    if (req.to.length === 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'at least one recipient is required' });
    const cids = new Set<string>();
    req.attachments?.forEach((a, i) => {
      if (a.contentId === undefined) return;
      if (cids.has(a.contentId)) ctx.addIssue({ code: 'custom', path: ['attachments', i, 'contentId'], message: 'is used twice' });
      cids.add(a.contentId);
    });
  });

export type SendRequestInput = z.input<typeof sendRequestSchema>;

export interface Attachment {
  filename: string;
  /** base64 without line breaks */
  content: string;
  contentType: string;
  contentId?: string;
}

/** The request after validation: what is queued and what the MIME builder reads. */
export interface EmailRequest {
  from: Mailbox;
  to: Mailbox[];
  cc: Mailbox[];
  bcc: Mailbox[];
  replyTo: Mailbox[];
  subject: string;
  text?: string;
  html?: string;
  attachments: Attachment[];
  headers: Record<string, string>;
  tags: { name: string; value: string }[];
}

/** How much of a caller's own key (a header name, an unknown field) a field name repeats. */
const KEY_CHARS = 64;

/** `to[2].email` style paths, which is how users read their own JSON; the caller's keys are cut to KEY_CHARS. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else {
      const key = clip(String(part), KEY_CHARS);
      out += out === '' ? key : `.${key}`;
    }
  }
  return out || '(body)';
}

export const allRecipients = (req: Pick<EmailRequest, 'to' | 'cc' | 'bcc'>): Mailbox[] => [...req.to, ...req.cc, ...req.bcc];

/** Approximate size of the encoded message: what SES and relays count against their limit. */
export function estimateMessageBytes(req: EmailRequest): number {
  const bodyBytes = Buffer.byteLength(req.text ?? '') + Buffer.byteLength(req.html ?? '');
  const attachmentBytes = req.attachments.reduce((sum, a) => sum + a.content.length * (78 / 76) + 300, 0);
  return Math.ceil(bodyBytes * (4 / 3) * (78 / 76) + attachmentBytes + 4096);
}

/** A failed parse's issues as field issues (`to[2].email`), an unknown key named as one. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: formatPath([...issue.path, key]), message: 'is not a known field' }))
      : [{ field: formatPath(issue.path), message: issue.message }],
  );
}

/**
 * Validates a send request: the JSON body the API received, or a queued request the deliver
 * worker reads back (claim-check.ts). One definition for both, and a fixed point: what it
 * returns, parsed again, is accepted and returned unchanged, so nothing accepted is refused
 * later. Throws PosthasteError naming the failing fields.
 */
export function parseSendRequest(body: unknown): EmailRequest {
  const result = sendRequestSchema.safeParse(body, { error: plainWords });
  if (!result.success) throw validationFailed(fieldIssues(result.error));
  const data = result.data;
  const request: EmailRequest = {
    from: data.from,
    to: data.to,
    cc: data.cc ?? [],
    bcc: data.bcc ?? [],
    replyTo: data.replyTo ?? [],
    subject: data.subject,
    attachments: (data.attachments ?? []).map((a) => ({
      filename: a.filename,
      content: a.content,
      contentType: a.contentType,
      ...(a.contentId !== undefined ? { contentId: a.contentId } : {}),
    })),
    headers: data.headers ?? {},
    tags: data.tags ?? [],
  };
  if (data.text !== undefined) request.text = data.text;
  if (data.html !== undefined) request.html = data.html;

  const recipients = allRecipients(request).length;
  if (recipients > LIMITS.recipients) {
    throw new PosthasteError('too_many_recipients', `to, cc and bcc hold ${recipients} addresses; the limit is ${LIMITS.recipients}`, [
      { field: 'to', message: `at most ${LIMITS.recipients} recipients in to, cc and bcc together` },
    ]);
  }
  const bytes = estimateMessageBytes(request);
  if (bytes > LIMITS.messageBytes) {
    throw new PosthasteError('payload_too_large', `the encoded message would be about ${bytes} bytes; the limit is ${LIMITS.messageBytes}`, [
      { field: request.attachments.length > 0 ? 'attachments' : 'html', message: `the whole message must be at most ${LIMITS.messageBytes} bytes` },
    ]);
  }
  return request;
}
