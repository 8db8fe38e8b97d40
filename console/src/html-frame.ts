/**
 * Showing mail HTML (a sent message's part, a template's preview) without trusting it: a
 * sandboxed `srcdoc` frame that runs no script, submits no form, has an opaque origin and
 * loads nothing remote.
 */
import { h } from './dom.js';

/**
 * The frame's own policy, on top of the sandbox and of the console's policy, which it
 * inherits: inline styles and inline (data:) images only, so opening a message neither runs
 * its code nor fetches its remote images (no tracking pixel fires).
 */
const FRAME_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:";
export const framed = (html: string): string => `<!doctype html><meta http-equiv="Content-Security-Policy" content="${FRAME_POLICY}">${html}`;

/** The frame for `html`; `title` names it for screen readers. */
export const htmlFrame = (html: string, title: string): HTMLIFrameElement =>
  h('iframe', { class: 'html-part', sandbox: '', referrerpolicy: 'no-referrer', title, srcdoc: framed(html) });
