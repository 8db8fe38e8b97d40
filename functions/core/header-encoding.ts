import type { Mailbox } from './address.js';

/**
 * Header field bodies as they go on the wire. RFC 5322 §2.1.1: a line MUST NOT exceed 998
 * octets and SHOULD NOT exceed 78, so values are folded (CRLF inserted before whitespace that
 * is already there, which unfolding removes again). Text that is not plain ASCII, and text a
 * receiver would decode as an RFC 2047 encoded word, is written as encoded words of at most
 * 75 characters; so is ASCII that has no whitespace to fold at within 998 octets.
 */

export const CRLF = '\r\n';
const SOFT_LIMIT = 78;
const HARD_LIMIT = 998;
const MAX_WORD = 75; // RFC 2047 §2
const PRINTABLE_ASCII = /^[\u0020-\u007e\t]*$/;
// A phrase of atoms (RFC 5322 atext and spaces); '.' is obs-phrase, so it is quoted instead.
const ATOM_PHRASE = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]*$/;

/**
 * Whether a receiver would decode this text rather than show it: anything outside printable
 * ASCII, and anything containing `=?`. Receivers decode encoded-word look-alikes even inside
 * quoted strings (mailparser does), so `=?UTF-8?B?…?=` written as-is could decode to CR, LF or
 * NUL; encoding it makes the receiver decode it exactly once, back to the literal text.
 */
export const needsEncoding = (text: string): boolean => !PRINTABLE_ASCII.test(text) || text.includes('=?');

/**
 * Joins pieces, each after the first starting with whitespace, and folds before a piece when
 * the line would pass 78 octets. `used` is what the line already holds (`Name: `).
 */
export function fold(used: number, pieces: readonly string[]): string {
  let out = pieces[0] ?? '';
  let line = used + out.length;
  for (const piece of pieces.slice(1)) {
    // Never fold before whitespace alone: a line of only whitespace is not allowed.
    if (line + piece.length > SOFT_LIMIT && /[^ \t]/.test(piece)) {
      out += CRLF;
      line = 0;
    }
    out += piece;
    line += piece.length;
  }
  return out;
}

const longestLine = (used: number, folded: string): number => Math.max(...folded.split(CRLF).map((l, i) => l.length + (i === 0 ? used : 0)));

/**
 * RFC 2047 B-encoded words, each within `firstRoom` (the first) or 75 characters, never
 * splitting a character (decoders that decode word by word would otherwise show garbage).
 */
export function encodedWords(text: string, firstRoom = MAX_WORD): string[] {
  const maxBytes = (room: number) => Math.max(1, Math.floor((Math.min(room, MAX_WORD) - 12) / 4) * 3);
  const words: string[] = [];
  let limit = maxBytes(firstRoom);
  let chunk = '';
  for (const char of text) {
    if (chunk !== '' && Buffer.byteLength(chunk + char) > limit) {
      words.push(chunk);
      chunk = '';
      limit = maxBytes(MAX_WORD);
    }
    chunk += char;
  }
  if (chunk !== '' || words.length === 0) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`);
}

const spaced = (atoms: readonly string[]): string[] => atoms.map((a, i) => (i === 0 ? a : ` ${a}`));

/**
 * Splits before each space that is followed by a non-space: folding there leaves exactly one
 * space at the start of the next line. RFC 5322 unfolding only removes the CRLF, but common
 * parsers (mailparser's libmime) turn a CRLF and all whitespace after it into one space, so
 * folding before a tab or inside a run of spaces would change the value they read.
 */
const splitAtWhitespace = (text: string): string[] => text.split(/(?= [^ \t])/);

/** An unstructured field body (Subject, custom headers), folded, encoded only when it must be. */
export function unstructuredValue(name: string, value: string): string {
  const used = name.length + 2;
  if (!needsEncoding(value)) {
    const folded = fold(used, splitAtWhitespace(value));
    if (longestLine(used, folded) <= HARD_LIMIT) return folded;
  }
  return fold(used, spaced(encodedWords(value, SOFT_LIMIT - used)));
}

function mailboxAtoms(mailbox: Mailbox, firstRoom: number): string[] {
  if (!mailbox.name) return [mailbox.email];
  const name = mailbox.name;
  const nameAtoms = needsEncoding(name)
    ? encodedWords(name, firstRoom)
    : ATOM_PHRASE.test(name) && !name.includes('.')
      ? name.split(' ')
      : `"${name.replace(/(["\\])/g, '\\$1')}"`.split(' '); // folding inside a quoted string is allowed
  return [...nameAtoms, `<${mailbox.email}>`];
}

/** A From/To/Cc/Reply-To field body, folded between words and between mailboxes. */
export function mailboxListValue(name: string, list: readonly Mailbox[]): string {
  const used = name.length + 2;
  const atoms = list.flatMap((mailbox, i) => {
    const words = mailboxAtoms(mailbox, i === 0 ? SOFT_LIMIT - used : MAX_WORD);
    if (i < list.length - 1) words[words.length - 1] += ',';
    return words;
  });
  return fold(used, spaced(atoms));
}

const PERCENT_EXTRA = /['()*]/g; // encodeURIComponent leaves these, RFC 2231 attribute-char does not

/**
 * One RFC 2231 parameter as fold pieces: `attr="value"` for printable ASCII, otherwise
 * `attr*=UTF-8''…` percent-encoded, split into `attr*0*=`, `attr*1*=` … sections when long.
 * The first letter of every occurrence of `avoid` is percent-encoded too, so the written
 * parameter never contains that word (see buildMime for why).
 */
function parameterPieces(attr: string, value: string, avoid?: string): string[] {
  const forced = new Set<number>();
  for (let at = avoid ? value.indexOf(avoid) : -1; avoid && at !== -1; at = value.indexOf(avoid, at + 1)) forced.add(at);
  if (/^[\u0020-\u007e]*$/.test(value) && forced.size === 0) return [` ${attr}="${value.replace(/(["\\])/g, '\\$1')}"`];
  // Room for ` attr*NN*=UTF-8''…;` within 78 octets.
  const maxSection = SOFT_LIMIT - attr.length - 16;
  const sections: string[] = [];
  let section = '';
  let index = 0;
  for (const char of value) {
    const encoded = forced.has(index)
      ? `%${char.charCodeAt(0).toString(16).toUpperCase()}`
      : encodeURIComponent(char).replace(PERCENT_EXTRA, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    if (section !== '' && section.length + encoded.length > maxSection) {
      sections.push(section);
      section = '';
    }
    section += encoded;
    index += char.length;
  }
  sections.push(section);
  if (sections.length === 1) return [` ${attr}*=UTF-8''${sections[0]}`];
  return sections.map((s, i) => ` ${attr}*${i}*=${i === 0 ? "UTF-8''" : ''}${s}${i < sections.length - 1 ? ';' : ''}`);
}

/** `type; attr=value`, folded: Content-Type with `name`, Content-Disposition with `filename`. */
export function typeWithParameter(name: string, type: string, attr: string, value: string, avoid?: string): string {
  return fold(name.length + 2, [`${type};`, ...parameterPieces(attr, value, avoid)]);
}
