/**
 * Checks a webhook Posthaste sent: the Standard Webhooks signature over
 * `webhook-id.webhook-timestamp.body`, made with the endpoint's secret, and a timestamp
 * within five minutes (replays of old deliveries are refused). It is the reference
 * library's own check, so a receiver can use either and get the same answer.
 *
 *   const event = verifyWebhook(rawBody, request.headers, process.env.POSTHASTE_WEBHOOK_SECRET);
 *
 * Pass the body exactly as received (the signature covers its bytes), not a re-serialized
 * object. During a secret rotation either secret verifies.
 */
import { Webhook } from 'standardwebhooks';
import type { WebhookEvent } from './api-types.js';

/**
 * A delivery that does not verify (signature, timestamp or headers). Our own class, with the
 * library's error as `cause`: the client's declarations then need neither the library's
 * types nor Node's.
 */
export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';
}

type Headers = Record<string, string | string[] | undefined> | { get(name: string): string | null };

function headerMap(headers: Headers): Record<string, string> {
  const read = (name: string): string | undefined => {
    if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
    const entry = Object.entries(headers as Record<string, string | string[] | undefined>).find(([key]) => key.toLowerCase() === name);
    const value = entry?.[1];
    return Array.isArray(value) ? value.join(' ') : value;
  };
  const out: Record<string, string> = {};
  for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
    const value = read(name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** The event, when the signature and timestamp hold; throws WebhookVerificationError otherwise. */
export function verifyWebhook(body: string | Uint8Array, headers: Headers, secret: string): WebhookEvent {
  const payload = typeof body === 'string' ? body : new TextDecoder().decode(body);
  try {
    return new Webhook(secret).verify(payload, headerMap(headers)) as WebhookEvent;
  } catch (error) {
    throw new WebhookVerificationError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}
