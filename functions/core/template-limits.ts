/**
 * What a stored template and its variables may hold. A version is one DynamoDB item (400 KB
 * at most, and the "latest" pointer keeps a copy), so the parts together stay well below
 * that; variables come with every send, so they are kept to what a receipt or a reset
 * link needs.
 */
export const TEMPLATE_LIMITS = {
  aliasChars: 64,
  /** The subject's source; what it renders to is held to the send limit (998). */
  subjectChars: 2000,
  /** Each of html and text. */
  bodyChars: 200_000,
  partials: 20,
  partialChars: 50_000,
  /** Subject, html, text, description and every partial together, UTF-8. */
  totalBytes: 350_000,
  descriptionChars: 500,
  /** The variables of one message, as JSON. */
  variablesBytes: 64 * 1024,
} as const;

/** `password-reset`, `receipt_v2`: a folder name on every system, a path segment without escaping. */
export const TEMPLATE_ALIAS = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const ALIAS_MESSAGE = 'must be 1-64 of A-Z a-z 0-9 _ - (starting with a letter or digit)';

/** A partial's name as templates call it: `{{> layout}}`. */
export const PARTIAL_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const PARTIAL_MESSAGE = 'must be 1-64 of A-Z a-z 0-9 _ - (starting with a letter or digit)';

/** Bytes of `value` as JSON, or undefined when it is not JSON at all. */
export function jsonBytes(value: unknown): number | undefined {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : Buffer.byteLength(text);
  } catch {
    return undefined;
  }
}
