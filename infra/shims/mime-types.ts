/**
 * Stands in for the `mime-types` package inside function bundles. mimetext asks it only
 * whether a content type is valid, and the request schema (functions/core/send-request.ts)
 * has already checked every content type; the real package brings mime-db's 134 KB of
 * JSON into every cold start for nothing.
 */
export const contentType = (type: string): string | false => (/^[^/\s;]+\/[^/\s;]+/.test(type) ? type : false);
