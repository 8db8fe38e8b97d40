// zod/mini: the same checks and issues as classic zod with functions instead of methods, a
// quarter of its size in every bundle that validates a request (the deliver function
// re-validates each queued one). A namespace import lets esbuild drop what is unused.
import * as z from 'zod/mini';
import { type Mailbox, parseMailbox } from './address.js';
import { described } from './described.js';
import { clip, type FieldIssue, invalid, PosthasteError, validationFailed } from './errors.js';
import { ALIAS_MESSAGE, jsonBytes, TEMPLATE_ALIAS, TEMPLATE_LIMITS } from './template-limits.js';

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
export const wellFormed = (value: string) => !LONE_SURROGATE.test(value);
export const UNICODE_MESSAGE = 'must be valid Unicode (no lone surrogate halves)';
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
export const mailbox = z.pipe(
  z.union([z.string(), z.strictObject({ name: z.optional(described(z.string(), { maxLength: 256 })), email: z.string() })], {
    error: (issue) => (issue.input === undefined ? 'is required' : MAILBOX_MESSAGE),
  }),
  z.transform((value, ctx): Mailbox => {
    const checked = parseMailbox(value);
    if (checked.ok) return checked.mailbox;
    ctx.issues.push({ code: 'custom', message: checked.reason, path: typeof value === 'string' ? [] : [checked.part ?? 'email'], input: value });
    return z.NEVER;
  }),
);

const mailboxList = z.array(mailbox).check(z.maxLength(LIMITS.recipients));

/** One address or a list; errors keep their exact path (`to` or `to[3]`), which a union would lose. */
const mailboxes = described(
  z.pipe(
    z.unknown(),
    z.transform((value, ctx): Mailbox[] => {
      const result = Array.isArray(value) ? mailboxList.safeParse(value, { error: plainWords }) : mailbox.safeParse(value, { error: plainWords });
      if (result.success) return Array.isArray(result.data) ? result.data : [result.data];
      for (const issue of result.error.issues) ctx.issues.push({ code: 'custom', message: issue.message, path: issue.path, input: value });
      return z.NEVER;
    }),
  ),
  {
    // The transform hides the accepted shapes from JSON Schema; the OpenAPI document reads this.
    description: 'One address or a list of them',
    anyOf: [{ $ref: '#/components/schemas/Mailbox' }, { type: 'array', items: { $ref: '#/components/schemas/Mailbox' }, maxItems: LIMITS.recipients }],
  },
);

const noControl = (v: string) => !CONTROL.test(v);
const checkedString = (max: number) =>
  z.string().check(z.maxLength(max), z.refine(noControl, { message: CONTROL_MESSAGE }), z.refine(wellFormed, { message: UNICODE_MESSAGE }));

const bodyText = z.string().check(z.refine(wellFormed, { message: UNICODE_MESSAGE }));

const attachment = z.strictObject({
  filename: z.pipe(checkedString(255), z.string().check(z.minLength(1))),
  content: z
    .pipe(
      z.string(),
      z.transform((v) => v.replace(/[\r\n\t ]/g, '')),
    )
    .check(z.refine((v) => v.length % 4 === 0 && BASE64.test(v), { message: 'must be base64' })),
  contentType: z._default(z.string().check(z.regex(CONTENT_TYPE, 'must be a MIME type such as application/pdf')), 'application/octet-stream'),
  contentId: z.optional(
    z
      .pipe(
        z.string(),
        z.transform((v) => v.replace(/^<(.*)>$/, '$1')),
      )
      .check(z.refine((v) => CONTENT_ID.test(v), { message: 'must be a token such as logo@example' })),
  ),
});

const headers = z.record(z.string(), z.string()).check(
  z.superRefine((record, ctx) => {
    const entries = Object.entries(record);
    if (entries.length > LIMITS.headers) ctx.addIssue({ code: 'custom', message: `at most ${LIMITS.headers} headers` });
    for (const [name, value] of entries) {
      if (!HEADER_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'is not a valid header name' });
      else if (RESERVED_HEADERS.has(name.toLowerCase()))
        ctx.addIssue({ code: 'custom', path: [name], message: 'is set by Posthaste and cannot be overridden' });
      if (CONTROL.test(value)) ctx.addIssue({ code: 'custom', path: [name], message: CONTROL_MESSAGE });
      else if (!wellFormed(value)) ctx.addIssue({ code: 'custom', path: [name], message: UNICODE_MESSAGE });
      else if (value.length > LIMITS.headerValueChars)
        ctx.addIssue({ code: 'custom', path: [name], message: `must be at most ${LIMITS.headerValueChars} characters` });
    }
  }),
);

const tag = z.strictObject({
  name: z.string().check(z.regex(TAG_PART, 'must be 1-256 of A-Z a-z 0-9 _ -')),
  value: z.string().check(z.regex(TAG_PART, 'must be 1-256 of A-Z a-z 0-9 _ -')),
});

/** A body a reader would see: not absent, not only white space. */
// `\S` is what trim() keeps (the same white space and line terminators), without copying the string.
const hasContent = (body: string | undefined): boolean => body !== undefined && /\S/.test(body);

/** The content of a message: given in the request, or what a template rendered (the same rules for both). */
const contentFields = {
  subject: checkedString(LIMITS.subjectChars),
  text: z.optional(bodyText),
  html: z.optional(bodyText),
};

function checkBodies(content: { text?: string | undefined; html?: string | undefined }, ctx: z.core.$RefinementCtx): void {
  if (content.text === undefined && content.html === undefined) ctx.addIssue({ code: 'custom', path: ['text'], message: 'text or html is required' });
  else if (!hasContent(content.text) && !hasContent(content.html)) ctx.addIssue({ code: 'custom', path: ['text'], message: 'text or html must have content' });
}

/** What a template rendered, checked as a request's own subject, text and html would be. */
export const renderedContentSchema = z.strictObject(contentFields).check(z.superRefine(checkBodies));

/**
 * Whether renderedContentSchema accepts what a stored template rendered, answered without
 * parsing the whole object (which costs more than rendering): the subject with its own
 * schema, and a body with content. The html and text are well-formed Unicode by
 * construction: rendering joins sources checked when the template was stored with
 * variables checked when the message was (templateVariablesSchema), and a string only one
 * of them holds cannot end up half a pair. Only a refusal needs the schema's words.
 */
export const renderedContentPasses = (content: { subject: string; text?: string; html?: string }): boolean =>
  // checkedString's own three checks, called directly: a zod parse of a short string costs more than they do.
  content.subject.length <= LIMITS.subjectChars &&
  noControl(content.subject) &&
  wellFormed(content.subject) &&
  (hasContent(content.text) || hasContent(content.html));

/** Every string in `value` (keys too) is well-formed Unicode; JSON nests at most 32 deep (http.ts), so the walk is bounded. */
function wellFormedDeep(value: unknown): boolean {
  if (typeof value === 'string') return wellFormed(value);
  if (Array.isArray(value)) return value.every(wellFormedDeep);
  if (typeof value === 'object' && value !== null) return Object.entries(value).every(([key, inner]) => wellFormed(key) && wellFormedDeep(inner));
  return true;
}

/** The values a template names (a send's `template.variables`, a preview's `variables`). */
export const templateVariablesSchema = described(
  z.record(z.string(), z.unknown()).check(
    z.refine((v) => (jsonBytes(v) ?? Number.POSITIVE_INFINITY) <= TEMPLATE_LIMITS.variablesBytes, {
      message: `must be at most ${TEMPLATE_LIMITS.variablesBytes} bytes as JSON`,
    }),
    // What a template renders is its (checked) sources joined with these: checked here, the rendering needs no scan.
    z.refine(wellFormedDeep, { message: UNICODE_MESSAGE }),
  ),
  { description: 'The values the template names; every one it names must be here (null or false for "none")' },
);

export const templateAliasSchema = z.string().check(z.regex(TEMPLATE_ALIAS, ALIAS_MESSAGE));

/** `template` of a send request: the content comes from this stored template, rendered at accept time. */
export const templateRefSchema = described(
  z.strictObject({
    alias: templateAliasSchema,
    version: described(z.optional(z.int().check(z.gte(1))), { description: 'A version number; the latest when absent' }),
    variables: z.optional(templateVariablesSchema),
  }),
  { description: 'Render subject, html and text from a stored template instead of giving them' },
);

const BODY_FIELDS = ['subject', 'text', 'html'] as const;

export const sendRequestSchema = z
  .strictObject({
    from: mailbox,
    to: mailboxes,
    cc: z.optional(mailboxes),
    bcc: z.optional(mailboxes),
    replyTo: z.optional(mailboxes),
    subject: described(z.optional(contentFields.subject), { description: 'Required unless `template` is given' }),
    text: contentFields.text,
    html: contentFields.html,
    template: z.optional(templateRefSchema),
    autoText: described(z.optional(z.boolean()), {
      description: 'When html has no text beside it, a text part is made from the html (true unless set to false)',
    }),
    attachments: z.optional(z.array(attachment).check(z.maxLength(LIMITS.attachments))),
    headers: z.optional(headers),
    tags: z.optional(z.array(tag).check(z.maxLength(LIMITS.tags))),
    /** When to send (ISO 8601 with an offset); the range is checked against the clock in schedule.ts. */
    scheduledAt: z.optional(z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with an offset, e.g. 2030-01-31T09:00:00+01:00' })),
  })
  .check(
    // Said with the other fields' problems, as when subject was simply required: `when` runs it on any object.
    z.refine((req) => req.template !== undefined || req.subject !== undefined, {
      path: ['subject'],
      message: 'is required',
      when: ({ value }) => typeof value === 'object' && value !== null,
    }),
    z.superRefine((req, ctx) => {
      if (req.template !== undefined) {
        for (const field of BODY_FIELDS)
          if (req[field] !== undefined)
            ctx.addIssue({ code: 'custom', path: [field], message: 'must be left out when template is given (the template renders it)' });
      } else checkBodies(req, ctx);
      if (req.to.length === 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'at least one recipient is required' });
      const cids = new Set<string>();
      req.attachments?.forEach((a, i) => {
        if (a.contentId === undefined) return;
        if (cids.has(a.contentId)) ctx.addIssue({ code: 'custom', path: ['attachments', i, 'contentId'], message: 'is used twice' });
        cids.add(a.contentId);
      });
    }),
  );

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

/** A request without its content: what a template's rendering completes. */
export type Envelope = Omit<EmailRequest, 'subject' | 'text' | 'html'>;

/** Which template to render, with what. */
export interface TemplateRef {
  alias: string;
  version?: number;
  variables: Record<string, unknown>;
}

/**
 * A send request as the API received it: its content given, or a template to render it
 * from. `autoText` says whether a text part may be made from html that has none beside it.
 */
export type SendInput =
  | { kind: 'content'; request: EmailRequest; autoText: boolean }
  | { kind: 'template'; envelope: Envelope; template: TemplateRef; autoText: boolean };

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

/** zod's issues as field issues: `to[2].email` paths, one issue per unknown key. */
export function fieldIssues(error: z.core.$ZodError): FieldIssue[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: formatPath([...issue.path, key]), message: 'is not a known field' }))
      : [{ field: formatPath(issue.path), message: issue.message }],
  );
}

/** `body` as `schema` reads it, or a validation error naming every failing field in plain words. */
export function parseWith<S extends z.ZodMiniType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body, { error: plainWords });
  if (!result.success) throw validationFailed(fieldIssues(result.error));
  return result.data;
}

/**
 * Validates a send request as the API received it (one message, or one batch item):
 * the schema, then the limits of the whole message. A templated one is checked again
 * once rendered (checkLimits). Throws PosthasteError naming the failing fields.
 */
export function readSendInput(body: unknown): SendInput {
  const data = parseWith(sendRequestSchema, body);
  const envelope: Envelope = {
    from: data.from,
    to: data.to,
    cc: data.cc ?? [],
    bcc: data.bcc ?? [],
    replyTo: data.replyTo ?? [],
    attachments: (data.attachments ?? []).map((a) => ({
      filename: a.filename,
      content: a.content,
      contentType: a.contentType,
      ...(a.contentId !== undefined ? { contentId: a.contentId } : {}),
    })),
    headers: data.headers ?? {},
    tags: data.tags ?? [],
  };
  const autoText = data.autoText !== false;
  if (data.template !== undefined) {
    const { alias, version, variables } = data.template;
    checkRecipients(envelope);
    return { kind: 'template', envelope, template: { alias, ...(version !== undefined ? { version } : {}), variables: variables ?? {} }, autoText };
  }
  const request: EmailRequest = { ...envelope, subject: data.subject! };
  if (data.text !== undefined) request.text = data.text;
  if (data.html !== undefined) request.html = data.html;
  checkLimits(request);
  return { kind: 'content', request, autoText };
}

/**
 * Validates a send request whose content is given: a queued request the deliver worker
 * reads back (claim-check.ts), or a test's. One definition with the API's, and a fixed
 * point: what it returns, parsed again, is accepted and returned unchanged, so nothing
 * accepted is refused later. A queued request is always concrete (templates are rendered
 * when the message is accepted), so one that names a template is refused.
 */
export function parseSendRequest(body: unknown): EmailRequest {
  const input = readSendInput(body);
  if (input.kind === 'template') throw invalid('template', 'a queued request must hold its content; templates are rendered when a message is accepted');
  return input.request;
}

function checkRecipients(request: Pick<EmailRequest, 'to' | 'cc' | 'bcc'>): void {
  const recipients = allRecipients(request).length;
  if (recipients > LIMITS.recipients) {
    throw new PosthasteError('too_many_recipients', `to, cc and bcc hold ${recipients} addresses; the limit is ${LIMITS.recipients}`, [
      { field: 'to', message: `at most ${LIMITS.recipients} recipients in to, cc and bcc together` },
    ]);
  }
}

/** The limits of a whole message: recipients in to, cc and bcc together, and its encoded size. */
export function checkLimits(request: EmailRequest): void {
  checkRecipients(request);
  const bytes = estimateMessageBytes(request);
  if (bytes > LIMITS.messageBytes) {
    throw new PosthasteError('payload_too_large', `the encoded message would be about ${bytes} bytes; the limit is ${LIMITS.messageBytes}`, [
      { field: request.attachments.length > 0 ? 'attachments' : 'html', message: `the whole message must be at most ${LIMITS.messageBytes} bytes` },
    ]);
  }
}
