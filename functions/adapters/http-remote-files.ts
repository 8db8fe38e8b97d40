/**
 * Fetches a file from a URL a caller gave (an attachment's `path`) with the outbound
 * client's rules: https only, public addresses checked at connection time, no redirect
 * followed, the body read up to the cap, a deadline for the whole exchange.
 */
import type { RemoteFile, RemoteFiles } from '../core/ports.js';
import { type OutboundPolicy, outboundRequest, type Resolver } from './outbound-http.js';

export interface HttpRemoteFilesOptions {
  policy: OutboundPolicy;
  /** Extra trusted CA certificates (a test server's own). */
  ca?: string;
  resolver?: Resolver;
}

export class HttpRemoteFiles implements RemoteFiles {
  constructor(private readonly options: HttpRemoteFilesOptions) {}

  async fetch(url: string, limits: { maxBytes: number; timeoutMs: number }): Promise<RemoteFile> {
    const reply = await outboundRequest(url, {
      method: 'GET',
      headers: { 'user-agent': 'Posthaste-Attachments/1', accept: '*/*' },
      timeoutMs: limits.timeoutMs,
      // One byte more than allowed tells a file at the limit from a larger one.
      maxReplyBytes: limits.maxBytes + 1,
      policy: this.options.policy,
      ...(this.options.ca ? { ca: this.options.ca } : {}),
      ...(this.options.resolver ? { resolver: this.options.resolver } : {}),
    });
    if (reply.status >= 300 && reply.status < 400) throw new Error(`answered ${reply.status} (a redirect, which is not followed)`);
    if (reply.status < 200 || reply.status >= 300) throw new Error(`answered ${reply.status}`);
    if (reply.truncated || reply.body.length > limits.maxBytes) throw new Error(`is larger than ${limits.maxBytes} bytes`);
    const type = reply.headers['content-type'];
    return { content: reply.body, ...(typeof type === 'string' ? { contentType: type.split(';')[0]!.trim() } : {}) };
  }
}
