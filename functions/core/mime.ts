import { createMimeMessage, MIMEMessage, Mailbox as MimetextMailbox } from 'mimetext';
import { domainOf } from './address.js';
import { CRLF, mailboxListValue, typeWithParameter, unstructuredValue } from './header-encoding.js';
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

/*
 * The message is built with mimetext 3.0.28 through its public API. Where that version cannot
 * write RFC-clean output on its own, one small function below works around it:
 *
 * - Line ends: it uses os.EOL (LF on Linux). It is given its own environment with `eol: CRLF`.
 * - Bodies: it defaults to 7bit even for non-ASCII text and never wraps base64 (RFC 2045 §6.8
 *   wants lines of at most 76). bodyPart picks the encoding and passes wrapped data.
 * - Subject and display names: it writes each as one `=?utf-8?B?…?=` word over the whole value,
 *   unfolded, so words pass RFC 2047's 75 characters and a long subject or name passes RFC
 *   5322's 998-octet line limit; plain ASCII is base64-encoded for nothing. Reply-To takes a
 *   single mailbox. Its setHeader re-encodes a Subject string and accepts only its Mailbox
 *   objects for address fields, so there is no public way to hand it a finished value:
 *   replaceFieldValues swaps in our values (header-encoding.ts) over its output.
 * - Custom headers are written verbatim, so they are given already folded and encoded values.
 * - Attachments: it writes `name="…"` and `filename="…"` raw (non-ASCII, quotes and length
 *   unhandled; RFC 2231 wants `filename*=UTF-8''…`), and it sorts a part into the message by
 *   whether its Content-Disposition *contains* "attachment" or "inline", so a file named
 *   "inline report.pdf" would be written twice. attachmentHeaders sets both fields through the
 *   part's public setHeader, with the other keyword percent-encoded out of the file name.
 * - It writes a Bcc header when given one; Bcc is never given to it (it lives in the envelope).
 */
const MIMETEXT_ENV = { ...createMimeMessage().envctx, eol: CRLF };
const PLACEHOLDER_MAILBOX = { addr: 'placeholder@posthaste.invalid' };
const SEVEN_BIT_SAFE = /^[\t\r\n\u0020-\u007e]*$/;

/** Base64 wrapped at 76 characters, as RFC 2045 requires. */
export function wrapBase64(b64: string): string {
  if (b64.length <= 76) return b64;
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join(CRLF);
}

/** 7bit for short-lined ASCII, wrapped base64 for anything else. */
export function bodyPart(content: string): { data: string; encoding: 'base64' | '7bit' } {
  const normalized = content.replace(/\r\n|\r|\n/g, CRLF);
  const longLine = normalized.split(CRLF).some((line) => line.length > 998);
  if (SEVEN_BIT_SAFE.test(normalized) && !longLine) return { data: normalized, encoding: '7bit' };
  return { data: wrapBase64(Buffer.from(content, 'utf8').toString('base64')), encoding: 'base64' };
}

/**
 * Replaces the values of the named top-level fields in mimetext's output. Throws when one is
 * missing, so a mimetext release that stops writing a field fails the tests, not the mail.
 */
export function replaceFieldValues(raw: string, values: ReadonlyMap<string, string>): string {
  const end = raw.indexOf(CRLF + CRLF);
  const fields = raw.slice(0, end).split(/\r\n(?![ \t])/);
  const pending = new Map([...values].map(([name, value]) => [name.toLowerCase(), { name, value }]));
  const replaced = fields.map((field) => {
    const key = field.slice(0, field.indexOf(':')).toLowerCase();
    const next = pending.get(key);
    if (!next) return field;
    pending.delete(key);
    return `${next.name}: ${next.value}`;
  });
  if (pending.size > 0) throw new Error(`mimetext did not write ${[...pending.keys()].join(', ')}`);
  return replaced.join(CRLF) + raw.slice(end);
}

/** Content-Type and Content-Disposition of an attachment (see the note at the top). */
export function attachmentHeaders(filename: string, contentType: string, inline: boolean): { 'Content-Type': string; 'Content-Disposition': string } {
  return {
    'Content-Type': typeWithParameter('Content-Type', contentType, 'name', filename),
    'Content-Disposition': inline
      ? typeWithParameter('Content-Disposition', 'inline', 'filename', filename, 'attachment')
      : typeWithParameter('Content-Disposition', 'attachment', 'filename', filename, 'inline'),
  };
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
  const message = new MIMEMessage(MIMETEXT_ENV);
  const messageId = `<${options.id}@${options.messageIdDomain ?? domainOf(req.from.email)}>`;
  const ours = new Map<string, string>();

  // mimetext writes each of these fields and replaceFieldValues puts our value in its place,
  // so mimetext is handed a placeholder: encoding the real value twice would be work thrown away.
  message.setSender(PLACEHOLDER_MAILBOX);
  ours.set('From', mailboxListValue('From', [req.from]));
  if (req.to.length > 0) {
    message.setTo(PLACEHOLDER_MAILBOX);
    ours.set('To', mailboxListValue('To', req.to));
  }
  if (req.cc.length > 0) {
    message.setCc(PLACEHOLDER_MAILBOX);
    ours.set('Cc', mailboxListValue('Cc', req.cc));
  }
  if (req.replyTo.length > 0) {
    message.setHeader('Reply-To', new MimetextMailbox(PLACEHOLDER_MAILBOX));
    ours.set('Reply-To', mailboxListValue('Reply-To', req.replyTo));
  }
  message.setSubject('-');
  ours.set('Subject', unstructuredValue('Subject', req.subject));
  message.setHeader('Date', (options.date ?? new Date()).toUTCString().replace('GMT', '+0000'));
  message.setHeader('Message-ID', messageId);
  for (const [name, value] of Object.entries(req.headers)) message.setHeader(name, unstructuredValue(name, value));
  message.setHeader(POSTHASTE_ID_HEADER, options.id);

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
    const part = message.addAttachment({
      filename: attachment.filename,
      contentType: attachment.contentType,
      data: wrapBase64(attachment.content),
      encoding: 'base64',
      inline,
      ...(inline ? { headers: { 'Content-ID': `<${attachment.contentId}>` } } : {}),
    });
    part.setHeaders(attachmentHeaders(attachment.filename, attachment.contentType, inline));
  }

  const written = message.asRaw();
  // The tail is checked on mimetext's output, which is already flat: the replaced copy is
  // then copied only once more, when the caller encodes it.
  const raw = replaceFieldValues(written, ours) + (written.endsWith(CRLF) ? '' : CRLF);
  return {
    raw,
    messageId,
    envelope: { from: req.from.email, to: options.envelopeTo ?? allRecipients(req).map((m) => m.email) },
  };
}
