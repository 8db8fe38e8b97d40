import { domainToASCII } from 'node:url';

/** A mailbox after validation: `email` is an ASCII addr-spec; `name` may be any Unicode. */
export interface Mailbox {
  name?: string;
  email: string;
}

// RFC 5322 dot-atom local part (quoted local parts are legal but almost never real and
// rejected by many relays, so we refuse them rather than deliver them badly).
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LOCAL_PART = new RegExp(`^${ATEXT}(?:\\.${ATEXT})*$`);
const DOMAIN_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
const TOP_LEVEL = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;
// The inside of a quoted display name: no bare quote, every backslash escaping one character.
const QUOTED_NAME = /^(?:[^"\\]|\\.)*$/;
// A display name is a phrase for a reader, not a document: the same limit in both forms.
const NAME_CHARS = 256;
// Control characters, and lone surrogate halves (not encodable as UTF-8).
const CONTROL = /[\u0000-\u001f\u007f]|\p{Cs}/u;

export type AddressCheck = { ok: true; mailbox: Mailbox } | { ok: false; reason: string; part?: 'name' | 'email' };

/** Validates an addr-spec and returns it with an ASCII (punycode) domain. */
export function normalizeEmail(input: string): AddressCheck {
  if (CONTROL.test(input)) return { ok: false, reason: 'must not contain control characters (CR, LF, NUL, …)' };
  const email = input.trim();
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return { ok: false, reason: 'is not an email address' };
  const local = email.slice(0, at);
  const rawDomain = email.slice(at + 1);
  if (local.length > 64) return { ok: false, reason: 'has a local part longer than 64 characters' };
  if (!LOCAL_PART.test(local)) return { ok: false, reason: 'has an invalid local part' };
  const domain = domainToASCII(rawDomain).toLowerCase();
  if (domain === '') return { ok: false, reason: 'has an invalid domain' };
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label)) || !TOP_LEVEL.test(labels.at(-1)!)) {
    return { ok: false, reason: 'has an invalid domain' };
  }
  const normalized = `${local}@${domain}`;
  if (normalized.length > 254) return { ok: false, reason: 'is longer than 254 characters' };
  return { ok: true, mailbox: { email: normalized } };
}

/** Accepts `user@example.com`, `Name <user@example.com>` or `{name, email}`. */
export function parseMailbox(input: string | { name?: string | undefined; email: string }): AddressCheck {
  if (typeof input !== 'string') {
    const checked = normalizeEmail(input.email);
    if (!checked.ok) return checked;
    const name = input.name?.trim();
    if (name !== undefined && CONTROL.test(name))
      return { ok: false, part: 'name', reason: 'must not contain control characters (CR, LF, NUL, …) or invalid Unicode' };
    return withName(name, checked.mailbox.email, 'name');
  }
  if (CONTROL.test(input)) return { ok: false, reason: 'must not contain control characters (CR, LF, NUL, …)' };
  const parts = splitNameAddr(input);
  if (!parts) return normalizeEmail(input);
  const checked = normalizeEmail(parts.address);
  if (!checked.ok) return checked;
  return withName(parts.name, checked.mailbox.email);
}

/** Whether `text` holds more than `max` characters (code points: an emoji is one, as a reader counts it). */
function longerThan(text: string, max: number): boolean {
  if (text.length <= max) return false;
  let count = 0;
  for (const _ of text) if (++count > max) return true;
  return false;
}

function withName(name: string | undefined, email: string, part?: 'name'): AddressCheck {
  if (name !== undefined && longerThan(name, NAME_CHARS))
    return { ok: false, reason: `has a display name longer than ${NAME_CHARS} characters`, ...(part ? { part } : {}) };
  return { ok: true, mailbox: name ? { name, email } : { email } };
}

/**
 * `Display Name <user@example.com>` or `"Display Name" <user@example.com>` as its two
 * parts; undefined when it is not that form. Scanned by position, not by one regex: a
 * backtracking pattern takes minutes on a long run of spaces.
 */
function splitNameAddr(input: string): { name: string; address: string } | undefined {
  const text = input.trim();
  const open = text.lastIndexOf('<');
  if (open < 0 || !text.endsWith('>')) return undefined;
  const address = text.slice(open + 1, -1);
  if (address.includes('>')) return undefined;
  const phrase = text.slice(0, open).trim();
  if (phrase.startsWith('"')) {
    const inner = phrase.slice(1, -1);
    if (phrase.length < 2 || !phrase.endsWith('"') || !QUOTED_NAME.test(inner)) return undefined;
    return { name: inner.replace(/\\(.)/g, '$1').trim(), address };
  }
  return /[<>"]/.test(phrase) ? undefined : { name: phrase, address };
}

export const domainOf = (email: string): string => email.slice(email.lastIndexOf('@') + 1);
