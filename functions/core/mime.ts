import { createMimeMessage, MIMEMessage, type MIMEMessageContent } from 'mimetext';
import { domainOf, type Mailbox } from './address.js';
import { POSTHASTE_ID_HEADER } from './posthaste-id.js';
import { allRecipients, type EmailRequest } from './send-request.js';

export { POSTHASTE_ID_HEADER };

export interface BuiltMessage {
  /** RFC 5322 message, CRLF line ends, no Bcc header. */
  raw: string;
  messageId: string;
  /** SMTP envelope: bcc recipients are here and only here. */
  envelope: { from: string; to: string[] };
}

const CRLF = '\r\n';
const ENV = { ...createMimeMessage().envctx, eol: CRLF };
const SEVEN_BIT_SAFE = /^[\t\r\n\u0020-\u007e]*$/;
const PRINTABLE_ASCII = /^[\u0020-\u007e\t]*$/;

/** Base64 wrapped at 76 characters, as RFC 2045 requires. */
export function wrapBase64(b64: string): string {
  if (b64.length <= 76) return b64;
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join(CRLF);
}

/**
 * RFC 2047 encoded words, each at most 75 characters and never splitting a UTF-8
 * sequence, folded onto continuation lines. ASCII text is returned as it is.
 */
export function encodeWords(value: string): string {
  if (PRINTABLE_ASCII.test(value) && !value.includes('=?')) return value;
  const words: string[] = [];
  let chunk = '';
  for (const char of value) {
    // 45 bytes of UTF-8 become 60 base64 characters: 12 + 60 = 72 <= 75.
    if (Buffer.byteLength(chunk + char) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join(`${CRLF} `);
}

const quoteIfNeeded = (name: string): string =>
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ .-]*$/.test(name) && !name.includes('.') ? name : `"${name.replace(/(["\\])/g, '\\$1')}"`;

export function formatMailbox(mailbox: Mailbox): string {
  if (!mailbox.name) return mailbox.email;
  const name = PRINTABLE_ASCII.test(mailbox.name) ? quoteIfNeeded(mailbox.name) : encodeWords(mailbox.name);
  return `${name} <${mailbox.email}>`;
}

export const formatMailboxList = (list: Mailbox[]): string => list.map(formatMailbox).join(`,${CRLF} `);

/** RFC 2231 parameter: plain when ASCII-safe, `name*=UTF-8''…` otherwise. */
function parameter(name: string, value: string): string {
  if (/^[\u0020-\u007e]*$/.test(value)) return `${name}="${value.replace(/(["\\])/g, '\\$1')}"`;
  const encoded = encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${name}*=UTF-8''${encoded}`;
}

function bodyPart(content: string): { data: string; encoding: 'base64' | '7bit' } {
  const normalized = content.replace(/\r\n|\r|\n/g, CRLF);
  const longLine = normalized.split(CRLF).some((line) => line.length > 998);
  if (SEVEN_BIT_SAFE.test(normalized) && !longLine) return { data: normalized, encoding: '7bit' };
  return { data: wrapBase64(Buffer.from(content, 'utf8').toString('base64')), encoding: 'base64' };
}

/** Replaces how mimetext writes a header: its built-in writer has no folding and no 2231 support. */
function overrideHeader(message: MIMEMessage | MIMEMessageContent, name: string, value: string): void {
  const fields = (message.headers as unknown as { fields: { name: string; value?: unknown; dump?: unknown; validate?: unknown }[] }).fields;
  const field = fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
  if (field) {
    field.value = value;
    field.dump = (v: unknown) => String(v);
    delete field.validate;
  } else {
    fields.push({ name, value, dump: (v: unknown) => String(v) });
  }
}

export interface BuildOptions {
  id: string;
  date?: Date;
  /** Domain for Message-ID; defaults to the sender's domain. */
  messageIdDomain?: string;
  /** Envelope recipients when they differ from the headers (retries of partial deliveries). */
  envelopeTo?: string[];
}

export function buildMime(req: EmailRequest, options: BuildOptions): BuiltMessage {
  const message = new MIMEMessage(ENV);
  const messageId = `<${options.id}@${options.messageIdDomain ?? domainOf(req.from.email)}>`;
  const date = (options.date ?? new Date()).toUTCString().replace('GMT', '+0000');

  message.setSender(req.from.email);
  overrideHeader(message, 'From', formatMailbox(req.from));
  if (req.to.length > 0) {
    message.setTo(req.to.map((m) => m.email));
    overrideHeader(message, 'To', formatMailboxList(req.to));
  }
  if (req.cc.length > 0) {
    message.setCc(req.cc.map((m) => m.email));
    overrideHeader(message, 'Cc', formatMailboxList(req.cc));
  }
  if (req.replyTo.length > 0) overrideHeader(message, 'Reply-To', formatMailboxList(req.replyTo));
  message.setSubject(req.subject);
  overrideHeader(message, 'Subject', encodeWords(req.subject));
  overrideHeader(message, 'Date', date);
  overrideHeader(message, 'Message-ID', messageId);
  for (const [name, value] of Object.entries(req.headers)) overrideHeader(message, name, encodeWords(value));
  overrideHeader(message, POSTHASTE_ID_HEADER, options.id);

  if (req.text !== undefined) {
    const part = bodyPart(req.text);
    message.addMessage({ contentType: 'text/plain', data: part.data, encoding: part.encoding, charset: 'UTF-8' });
  }
  if (req.html !== undefined) {
    const part = bodyPart(req.html);
    message.addMessage({ contentType: 'text/html', data: part.data, encoding: part.encoding, charset: 'UTF-8' });
  }
  for (const attachment of req.attachments) {
    const inline = attachment.contentId !== undefined;
    const content = message.addAttachment({
      filename: attachment.filename,
      contentType: attachment.contentType,
      data: wrapBase64(attachment.content),
      encoding: 'base64',
      inline,
      ...(inline ? { headers: { 'Content-ID': `<${attachment.contentId}>` } } : {}),
    });
    overrideHeader(content, 'Content-Type', `${attachment.contentType};${CRLF} ${parameter('name', attachment.filename)}`);
    overrideHeader(content, 'Content-Disposition', `${inline ? 'inline' : 'attachment'};${CRLF} ${parameter('filename', attachment.filename)}`);
  }

  let raw = message.asRaw();
  if (!raw.endsWith(CRLF)) raw += CRLF;
  return {
    raw,
    messageId,
    envelope: { from: req.from.email, to: options.envelopeTo ?? allRecipients(req).map((m) => m.email) },
  };
}
