/**
 * MIME building: our builder against nodemailer's MailComposer on the same messages, and a
 * check with mailparser that both outputs mean the same thing.
 */
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Mailbox } from '../functions/core/address.js';
import { buildMime } from '../functions/core/mime.js';
import type { EmailRequest } from '../functions/core/send-request.js';
import { LARGE, request, SMALL } from './lib/messages.js';
import { alternate, forAbout, median, round } from './lib/stats.js';

export interface MimeResult {
  ours_msg_s: number;
  nodemailer_msg_s: number;
  ratio: number;
  bytes: number;
  nodemailer_bytes: number;
  same_meaning: boolean;
  rounds: number;
}

const ID = '0193f0a2-7c4e-7d2a-9b1e-5f3c2a1d0e9f';
const DATE = new Date('2026-03-01T09:30:00Z');

const address = (m: Mailbox) => (m.name ? { name: m.name, address: m.email } : m.email);

/** The same message as nodemailer takes it; attachments as Buffers, its fastest input. */
function composerOptions(req: EmailRequest) {
  return {
    from: address(req.from),
    to: req.to.map(address),
    ...(req.cc.length ? { cc: req.cc.map(address) } : {}),
    subject: req.subject,
    ...(req.text !== undefined ? { text: req.text } : {}),
    ...(req.html !== undefined ? { html: req.html } : {}),
    attachments: req.attachments.map((a) => ({ filename: a.filename, content: Buffer.from(a.content, 'base64'), contentType: a.contentType })),
    messageId: `<${ID}@acme.example>`,
    date: DATE,
    headers: { 'X-Posthaste-Id': ID },
  };
}

const ours = (req: EmailRequest) => buildMime(req, { id: ID, date: DATE }).raw;
const theirs = (options: ReturnType<typeof composerOptions>) =>
  new MailComposer({ ...options, attachments: options.attachments.map((a) => ({ ...a })) }).compile().build();

const addresses = (value: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(value) ? value : value ? [value] : []).flatMap((a) => a.value).map((a) => `${a.name ?? ''} <${a.address}>`);

function meaning(mail: ParsedMail) {
  return {
    subject: mail.subject,
    from: addresses(mail.from),
    to: addresses(mail.to),
    text: mail.text?.replace(/\r\n/g, '\n').trimEnd(),
    html: typeof mail.html === 'string' ? mail.html.replace(/\r\n/g, '\n').trimEnd() : mail.html,
    attachments: mail.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, sha: a.checksum, size: a.size })),
    messageId: mail.messageId,
  };
}

/** Both outputs parsed back: any field that differs is named. */
export async function compareMeaning(req: EmailRequest): Promise<string[]> {
  const a = meaning(await simpleParser(ours(req)));
  const b = meaning(await simpleParser(await theirs(composerOptions(req))));
  return (Object.keys(a) as (keyof typeof a)[])
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => `${k}: ${JSON.stringify(a[k])?.slice(0, 120)} vs ${JSON.stringify(b[k])?.slice(0, 120)}`);
}

/** Messages per second of wall time over about `ms`. */
async function timeFor(ms: number, once: () => unknown): Promise<number> {
  const { count, wallMs } = await forAbout(ms, once);
  return (count * 1000) / wallMs;
}

export async function benchMime(input: typeof LARGE, options: { rounds: number; roundMs: number }): Promise<MimeResult & { differences: string[] }> {
  const req = request(input);
  const composer = composerOptions(req);
  const differences = await compareMeaning(req);
  // Warm both up so the first round does not pay for compilation.
  await timeFor(options.roundMs / 2, () => ours(req));
  await timeFor(options.roundMs / 2, () => theirs(composer));
  const paired = await alternate(
    options.rounds,
    () => timeFor(options.roundMs, () => ours(req)),
    () => timeFor(options.roundMs, () => theirs(composer)),
  );
  return {
    ours_msg_s: round(median(paired.ours)),
    nodemailer_msg_s: round(median(paired.baseline)),
    ratio: round(median(paired.ratios)),
    bytes: Buffer.byteLength(ours(req)),
    nodemailer_bytes: (await theirs(composer)).length,
    same_meaning: differences.length === 0,
    differences,
    rounds: options.rounds,
  };
}

export const MIME_MESSAGES = { mime_large: LARGE, mime_small: SMALL };
