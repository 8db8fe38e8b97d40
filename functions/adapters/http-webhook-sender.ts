/**
 * Posts a signed webhook: the outbound client's safety rules, a 10 s deadline, any 2xx is a
 * success, no redirect followed, the first kilobyte of the reply kept with the attempt.
 */
import { REPLY_SAMPLE_BYTES } from '../core/dispatch-webhooks.js';
import type { SignedPost, WebhookSender } from '../core/webhook-ports.js';
import type { WebhookAttempt } from '../core/webhook-records.js';
import { type OutboundPolicy, outboundRequest, type Resolver } from './outbound-http.js';
import { type SignatureHeaderNames, signedHeaders } from './webhook-signature.js';

export const WEBHOOK_TIMEOUT_MS = 10_000;

export interface HttpWebhookSenderOptions {
  policy: OutboundPolicy;
  timeoutMs?: number;
  /** Extra trusted CA certificates (a test receiver's own). */
  ca?: string;
  resolver?: Resolver;
  headerNames?: SignatureHeaderNames;
  now?: () => number;
}

export class HttpWebhookSender implements WebhookSender {
  constructor(private readonly options: HttpWebhookSenderOptions) {}

  async post(request: SignedPost): Promise<WebhookAttempt & { ok: boolean }> {
    const now = this.options.now ?? Date.now;
    const started = now();
    const at = request.at.toISOString();
    try {
      const reply = await outboundRequest(
        request.url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Posthaste-Webhooks/1',
            ...signedHeaders(request.id, request.at, request.body, request.secrets, request.headerNames ?? this.options.headerNames),
          },
          body: request.body,
          timeoutMs: this.options.timeoutMs ?? WEBHOOK_TIMEOUT_MS,
          maxReplyBytes: REPLY_SAMPLE_BYTES,
          policy: this.options.policy,
          ...(this.options.ca ? { ca: this.options.ca } : {}),
          ...(this.options.resolver ? { resolver: this.options.resolver } : {}),
        },
        now,
      );
      const ok = reply.status >= 200 && reply.status < 300;
      const sample = reply.body.toString('utf8');
      return {
        ok,
        at,
        durationMs: reply.durationMs,
        statusCode: reply.status,
        ...(sample ? { reply: sample } : {}),
        ...(reply.status >= 300 && reply.status < 400 ? { error: `redirect to ${String(reply.headers.location ?? '?').slice(0, 200)} not followed` } : {}),
      };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return { ok: false, at, durationMs: now() - started, error: `${code ? `${code}: ` : ''}${(error as Error).message}`.slice(0, 500) };
    }
  }
}
