/**
 * What a message sent, kept for operators (`GET /v1/emails/{id}/content`, the console's
 * message view): the MIME header block as the last attempt built it, the text and HTML
 * parts as the request gave them, and the attachments by name and size. It lives in the
 * payload store under `content/` (the bucket's lifecycle rule expires it after the stack's
 * contentRetentionDays), never in the messages table: one object write per email instead of
 * a write unit per kilobyte on each status change.
 */
import type { PayloadStore } from './ports.js';
import type { EmailRequest } from './send-request.js';

export interface SentContent {
  /** The header block, unfolded, in order (values as sent: encoded words stay encoded). */
  headers: { name: string; value: string }[];
  text?: string;
  html?: string;
  attachments: { filename: string; contentType: string; bytes: number; contentId?: string }[];
  /** Set when a part was longer than PART_LIMIT and only its start is kept. */
  truncated?: boolean;
}

/**
 * Characters kept of each part: a Lambda answer holds at most 6 MB, so the API's answer stays
 * well inside it whatever was sent (the whole message may be 40 MB).
 */
export const PART_LIMIT = 1024 * 1024;

export const contentKeyFor = (id: string): string => `content/${id}.json`;

/** The header block as SES reports it: unfolded, in order, without the body. */
export function headerList(raw: string): { name: string; value: string }[] {
  const end = raw.indexOf('\r\n\r\n');
  const block = (end < 0 ? raw : raw.slice(0, end)).replace(/\r\n[ \t]+/g, ' ');
  return block
    .split('\r\n')
    .map((line) => {
      const colon = line.indexOf(':');
      return { name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };
    })
    .filter((h) => h.name !== '');
}

/** Base64 length to bytes (the request's attachments are unwrapped base64). */
const decodedBytes = (base64: string): number => Math.floor((base64.length * 3) / 4) - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);

/** The first PART_LIMIT characters, never ending in half of a surrogate pair. */
function cut(part: string): string {
  if (part.length <= PART_LIMIT) return part;
  const end = /[\uD800-\uDBFF]/.test(part[PART_LIMIT - 1]!) ? PART_LIMIT - 1 : PART_LIMIT;
  return part.slice(0, end);
}

export function sentContent(request: EmailRequest, raw: string): SentContent {
  const long = (request.text?.length ?? 0) > PART_LIMIT || (request.html?.length ?? 0) > PART_LIMIT;
  return {
    headers: headerList(raw),
    ...(request.text !== undefined ? { text: cut(request.text) } : {}),
    ...(request.html !== undefined ? { html: cut(request.html) } : {}),
    attachments: request.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      bytes: decodedBytes(a.content),
      ...(a.contentId ? { contentId: a.contentId } : {}),
    })),
    ...(long ? { truncated: true } : {}),
  };
}

export const keepContent = (store: PayloadStore, id: string, content: SentContent): Promise<void> => store.put(contentKeyFor(id), JSON.stringify(content));

/** Undefined when nothing was kept: not sent yet, expired, or keeping is off. */
export async function readContent(store: PayloadStore, id: string): Promise<SentContent | undefined> {
  const stored = await store.get(contentKeyFor(id));
  return stored === undefined ? undefined : (JSON.parse(stored) as SentContent);
}
