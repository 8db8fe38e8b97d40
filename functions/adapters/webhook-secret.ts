/**
 * Endpoint secrets in the Standard Webhooks form. Apart from the signing (webhook-signature.ts)
 * so the API, which only makes secrets, does not load the signing library.
 */
import { randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';

/** A new endpoint secret: 24 random bytes, as `whsec_<base64>`. */
export const newWebhookSecret = (): string => `${SECRET_PREFIX}${randomBytes(24).toString('base64')}`;
