/**
 * Resend's send request (snake_case, as the `resend` SDK posts it) read into ours: the
 * zod schema checks its shape and names, then it becomes the body POST /v1/emails takes,
 * so the same core schema, sender policy and accept use case judge it. Attachments given
 * by `path` are fetched here, at accept time, into the message itself.
 */
import * as z from 'zod/mini';
import { readSendItem } from '../../core/accept-email.js';
import { described } from '../../core/described.js';
import type { RemoteFiles } from '../../core/ports.js';
import { LIMITS, parseWith } from '../../core/send-request.js';
import { ATTACHMENT_SOURCE, ResendError } from './errors.js';
import { readResendScheduledAt } from './scheduled-at.js';

const addresses = z.union([z.string(), z.array(z.string())], {
  error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string or a list of strings'),
});

const resendAttachment = z
  .strictObject({
    content: described(z.nullish(z.string()), { description: 'base64' }),
    path: described(z.nullish(z.string()), { description: 'https URL the file is fetched from when the email is accepted' }),
    // The SDK types allow `false` ("no name").
    filename: z.nullish(z.union([z.string(), z.literal(false)])),
    content_type: z.nullish(z.string()),
    content_id: z.nullish(z.string()),
  })
  .check(
    z.superRefine((a, ctx) => {
      if ((a.content == null) === (a.path == null)) ctx.addIssue({ code: 'custom', message: ATTACHMENT_SOURCE });
    }),
  );

const unsupported = (what: string) =>
  z.optional(z.unknown().check(z.refine((v) => v === undefined || v === null, { message: `is not supported here (${what})` })));

const resendSendRequestSchema = z.strictObject({
  from: z.string(),
  to: addresses,
  cc: z.nullish(addresses),
  bcc: z.nullish(addresses),
  reply_to: z.nullish(addresses),
  subject: z.string(),
  html: z.nullish(z.string()),
  text: z.nullish(z.string()),
  headers: z.nullish(z.record(z.string(), z.string())),
  attachments: z.nullish(z.array(resendAttachment).check(z.maxLength(LIMITS.attachments))),
  tags: z.nullish(z.array(z.strictObject({ name: z.string(), value: z.string() }))),
  scheduled_at: described(z.nullish(z.string()), { description: 'ISO 8601, or natural language such as "in 1 hour"' }),
  template: unsupported('render it in the app, or send through POST /v1/emails'),
  topic_id: unsupported('Resend topics and audiences are not part of Posthaste'),
});

/** An attachment still to fetch: its position and URL. */
interface RemoteAttachment {
  index: number;
  url: string;
}

/** Our send body, and the attachments whose content is still at a URL. */
interface TranslatedRequest {
  body: Record<string, unknown> & { attachments?: Record<string, unknown>[] };
  remote: RemoteAttachment[];
}

/** Common types by extension: Resend derives a missing content type from the filename (mime-db is too heavy for the bundle). */
const TYPE_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  html: 'text/html',
  ics: 'text/calendar',
  json: 'application/json',
  zip: 'application/zip',
};

const typeOf = (filename: string | undefined): string | undefined => TYPE_BY_EXTENSION[filename?.split('.').pop()?.toLowerCase() ?? ''];

/** The last segment of a URL's path, as a filename for a `path` attachment that names none. */
function filenameFromUrl(url: string): string | undefined {
  try {
    const last = new URL(url).pathname.split('/').pop();
    return last ? decodeURIComponent(last) : undefined;
  } catch {
    return undefined;
  }
}

const defined = <T extends object>(entries: T): Partial<T> =>
  Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;

/** The caller's body as ours: throws a 422 naming the caller's own field names. */
async function translateResendRequest(raw: unknown, now: Date): Promise<TranslatedRequest> {
  const r = parseWith(resendSendRequestSchema, raw);
  const remote: RemoteAttachment[] = [];
  const attachments = r.attachments?.map((a, index) => {
    const filename = typeof a.filename === 'string' ? a.filename : a.path ? filenameFromUrl(a.path) : undefined;
    if (a.path != null) remote.push({ index, url: a.path });
    return defined({
      filename,
      content: a.content ?? '',
      // A fetched file's type comes from its server when the caller names none (fetchRemoteAttachments).
      contentType: a.content_type ?? (a.path == null ? typeOf(filename) : undefined),
      contentId: a.content_id,
    });
  });
  const body = defined({
    from: r.from,
    to: r.to,
    cc: r.cc,
    bcc: r.bcc,
    replyTo: r.reply_to,
    subject: r.subject,
    html: r.html,
    text: r.text,
    headers: r.headers,
    tags: r.tags,
    attachments,
    scheduledAt: r.scheduled_at == null ? undefined : await readResendScheduledAt(r.scheduled_at, now),
  });
  return { body, remote };
}

/** How long all the attachment fetches of one request may take together (API Gateway gives a request 29 s). */
const FETCH_BUDGET_MS = 20_000;
const FETCH_TIMEOUT_MS = 10_000;
const FETCH_CONCURRENCY = 4;
/** A served content type we pass on as it is; anything odder falls back to the filename's. */
const PLAIN_TYPE = /^[A-Za-z0-9][\w.+-]{0,126}\/[A-Za-z0-9][\w.+-]{0,126}$/;

/**
 * Fills in every `path` attachment's content, fetched within the message size limit and
 * the time budget. A URL that cannot be fetched is Resend's `invalid_attachment`, naming
 * the attachment and the reason.
 */
async function fetchRemoteAttachments(request: TranslatedRequest, files: RemoteFiles | undefined, now: () => number, field: string): Promise<void> {
  if (request.remote.length === 0) return;
  const deadline = now() + FETCH_BUDGET_MS;
  let budget = LIMITS.messageBytes;
  const queue = [...request.remote];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const name = `${field}[${next.index}].path`;
      if (!files)
        throw new ResendError(422, 'invalid_attachment', `\`${name}\`: attachments by URL are not enabled in this deployment; send the content instead.`);
      const timeoutMs = Math.min(FETCH_TIMEOUT_MS, deadline - now());
      if (timeoutMs <= 0) throw new ResendError(422, 'invalid_attachment', `\`${name}\`: the attachments took longer than ${FETCH_BUDGET_MS} ms to fetch.`);
      try {
        const file = await files.fetch(next.url, { maxBytes: budget, timeoutMs });
        budget -= file.content.length;
        const target = request.body.attachments![next.index]!;
        target.content = file.content.toString('base64');
        if (target.contentType === undefined) {
          const served = file.contentType && PLAIN_TYPE.test(file.contentType) ? file.contentType : undefined;
          const guessed = served ?? typeOf(target.filename as string | undefined);
          if (guessed) target.contentType = guessed;
        }
      } catch (error) {
        if (error instanceof ResendError) throw error;
        throw new ResendError(422, 'invalid_attachment', `\`${name}\` ${(error as Error).message}.`, { cause: error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, queue.length) }, worker));
}

/**
 * The whole of one Resend send request, ready for the accept use case: translated, checked
 * by the core schema and sender policy before anything is fetched (a request that would be
 * refused anyway costs no download), then its remote attachments fetched.
 */
export async function readResendEmail(
  raw: unknown,
  deps: { allowedSenderDomains?: string[]; files?: RemoteFiles; allowPaths: boolean; now: () => Date },
  field = 'attachments',
): Promise<Record<string, unknown>> {
  const at = deps.now();
  const request = await translateResendRequest(raw, at);
  const first = request.remote[0];
  if (first && !deps.allowPaths) {
    throw new ResendError(
      422,
      'invalid_attachment',
      `\`${field}[${first.index}].path\`: attachments by URL are not taken in a batch; send their content, or send the email on its own.`,
    );
  }
  readSendItem(deps, request.body, at);
  await fetchRemoteAttachments(request, deps.files, () => deps.now().getTime(), field);
  return request.body;
}
