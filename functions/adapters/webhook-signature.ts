/**
 * Webhook signatures per the Standard Webhooks specification, made by its reference library
 * (`standardwebhooks`), never by hand: `webhook-id`, `webhook-timestamp` (Unix seconds) and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. While a secret is
 * being rotated the previous one signs too, space-separated, so a receiver verifying with
 * either secret accepts the delivery. The same scheme travels under `svix-*` names for
 * receivers written for Svix-signed webhooks.
 */
import { Webhook } from 'standardwebhooks';

export type SignatureHeaderNames = 'webhook' | 'svix';

/** The headers of one delivery attempt, signed with every secret in `secrets` (newest first). */
export function signedHeaders(id: string, at: Date, body: string, secrets: readonly string[], names: SignatureHeaderNames = 'webhook'): Record<string, string> {
  if (secrets.length === 0) throw new Error('a webhook delivery needs at least one secret');
  // Whole seconds, as the header carries them: the signature must cover exactly what is sent.
  const timestamp = new Date(Math.floor(at.getTime() / 1000) * 1000);
  const signature = secrets.map((secret) => new Webhook(secret).sign(id, timestamp, body)).join(' ');
  return {
    [`${names}-id`]: id,
    [`${names}-timestamp`]: String(timestamp.getTime() / 1000),
    [`${names}-signature`]: signature,
  };
}
