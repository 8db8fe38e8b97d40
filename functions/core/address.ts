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
// "Display Name <user@example.com>", the display name optionally quoted.
const NAME_ADDR = /^\s*(?:"((?:[^"\\]|\\.)*)"|([^<>"]*?))\s*<([^<>]*)>\s*$/;
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
    return { ok: true, mailbox: name ? { name, email: checked.mailbox.email } : checked.mailbox };
  }
  if (CONTROL.test(input)) return { ok: false, reason: 'must not contain control characters (CR, LF, NUL, …)' };
  const match = NAME_ADDR.exec(input);
  if (!match) return normalizeEmail(input);
  const name = (match[1]?.replace(/\\(.)/g, '$1') ?? match[2] ?? '').trim();
  const checked = normalizeEmail(match[3]!);
  if (!checked.ok) return checked;
  return { ok: true, mailbox: name ? { name, email: checked.mailbox.email } : checked.mailbox };
}

export const domainOf = (email: string): string => email.slice(email.lastIndexOf('@') + 1);
