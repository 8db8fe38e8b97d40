import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { AddressObject } from 'mailparser';
import type { SendEmailInput } from '../client/index.js';
import { UsageError } from './output.js';

export interface SendFlags {
  from?: string;
  to?: string[];
  cc?: string[];
  bcc?: string[];
  replyTo?: string[];
  subject?: string;
  text?: string;
  textFile?: string;
  html?: string;
  htmlFile?: string;
  attach?: string[];
  header?: string[];
  tag?: string[];
  scheduledAt?: string;
}

const read = (file: string, encoding?: BufferEncoding): string | Buffer => {
  try {
    return encoding ? readFileSync(file, encoding) : readFileSync(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
};

const CONTENT_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.html': 'text/html',
  '.json': 'application/json',
  '.zip': 'application/zip',
  '.ics': 'text/calendar',
};

/** The request described by flags alone; what a file gives is merged under them. */
export function fromFlags(flags: SendFlags): Partial<SendEmailInput> {
  const email: Record<string, unknown> = {};
  if (flags.from) email.from = flags.from;
  if (flags.to?.length) email.to = flags.to;
  if (flags.cc?.length) email.cc = flags.cc;
  if (flags.bcc?.length) email.bcc = flags.bcc;
  if (flags.replyTo?.length) email.replyTo = flags.replyTo;
  if (flags.subject !== undefined) email.subject = flags.subject;
  if (flags.text !== undefined) email.text = flags.text;
  if (flags.textFile) email.text = read(flags.textFile, 'utf8');
  if (flags.html !== undefined) email.html = flags.html;
  if (flags.htmlFile) email.html = read(flags.htmlFile, 'utf8');
  if (flags.scheduledAt) email.scheduledAt = flags.scheduledAt;
  if (flags.attach?.length) {
    email.attachments = flags.attach.map((file) => ({
      filename: basename(file),
      content: (read(file) as Buffer).toString('base64'),
      contentType: CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    }));
  }
  if (flags.header?.length) {
    email.headers = Object.fromEntries(
      flags.header.map((h) => {
        const colon = h.indexOf(':');
        if (colon <= 0) throw new UsageError(`--header must look like "X-Name: value", not ${JSON.stringify(h)}`);
        return [h.slice(0, colon).trim(), h.slice(colon + 1).trim()];
      }),
    );
  }
  if (flags.tag?.length) {
    email.tags = flags.tag.map((t) => {
      const eq = t.indexOf('=');
      if (eq <= 0) throw new UsageError(`--tag must look like name=value, not ${JSON.stringify(t)}`);
      return { name: t.slice(0, eq), value: t.slice(eq + 1) };
    });
  }
  return email as Partial<SendEmailInput>;
}

const addresses = (value: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(value) ? value : value ? [value] : [])
    .flatMap((a) => a.value)
    .filter((m) => m.address)
    .map((m) => (m.name ? { name: m.name, email: m.address! } : m.address!));

/** Headers an .eml file may carry through; the rest are written by Posthaste itself. */
const PASSED_HEADER = /^(x-(?!posthaste-id$)|list-unsubscribe|list-unsubscribe-post|in-reply-to|references)/i;

/** RFC 5322 §2.2.3: a folded header value is one line; the CRLF before folding white space goes. */
export const unfold = (value: string): string => value.replace(/\r?\n(?=[ \t])/g, '').trim();

/** An RFC 5322 message file as a send request: addresses, subject, bodies, attachments, X- headers. */
export async function fromEml(file: string): Promise<SendEmailInput> {
  // Loaded here: only .eml files need the parser.
  const { simpleParser } = await import('mailparser');
  // keepCidLinks: mailparser would otherwise turn `cid:` images into data: URIs, and the
  // inline attachments they point at would no longer be referenced by the html.
  const parsed = await simpleParser(read(file) as Buffer, { keepCidLinks: true });
  const email: Record<string, unknown> = {};
  const from = addresses(parsed.from)[0];
  if (from) email.from = from;
  for (const [field, value] of [
    ['to', parsed.to],
    ['cc', parsed.cc],
    ['bcc', parsed.bcc],
    ['replyTo', parsed.replyTo],
  ] as const) {
    const list = addresses(value);
    if (list.length) email[field] = list;
  }
  if (parsed.subject !== undefined) email.subject = parsed.subject;
  if (parsed.text) email.text = parsed.text;
  if (typeof parsed.html === 'string') email.html = parsed.html;
  if (parsed.attachments.length) {
    email.attachments = parsed.attachments.map((a, i) => ({
      filename: a.filename ?? `attachment-${i + 1}`,
      content: a.content.toString('base64'),
      contentType: a.contentType,
      ...(a.contentId && a.related ? { contentId: a.contentId.replace(/^<|>$/g, '') } : {}),
    }));
  }
  const headers = Object.fromEntries(
    parsed.headerLines
      .filter((h) => PASSED_HEADER.test(h.key))
      .map((h) => [h.line.slice(0, h.line.indexOf(':')), unfold(h.line.slice(h.line.indexOf(':') + 1))]),
  );
  if (Object.keys(headers).length) email.headers = headers;
  return email as unknown as SendEmailInput;
}

/** A .json file: one email (an object) or a batch (an array). */
export function fromJsonFile(file: string): SendEmailInput | SendEmailInput[] {
  try {
    return JSON.parse(read(file, 'utf8') as string) as SendEmailInput | SendEmailInput[];
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}
