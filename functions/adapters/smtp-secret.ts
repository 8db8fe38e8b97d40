import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini'; // as send-request.ts: the deliver bundle carries zod/mini only
import { parseSmtpUrl, type SmtpConfig, SmtpConfigError } from './smtp-config.js';

/**
 * SMTP relay credentials from Secrets Manager (SMTP_SECRET_ARN), never from plain
 * environment values. The secret string is JSON in one of two shapes:
 *   {"url": "smtps://user:pass@smtp.example.com:465"}                       (SMTP_URL syntax)
 *   {"host": "smtp.example.com", "port": 587, "username": "…", "password": "…",
 *    "tls": "implicit" | "required" | "opportunistic" | "none"}              (tls defaults by port)
 * Read once per container and cached: rotating the secret takes effect on new containers.
 * Error messages never include the secret's content.
 */
const partsSchema = z.object({
  host: z.string().check(z.minLength(1)),
  port: z.optional(z.int().check(z.gte(1), z.lte(65535))),
  username: z.optional(z.string()),
  password: z.optional(z.string()),
  tls: z.optional(z.enum(['implicit', 'required', 'opportunistic', 'none'])),
  verifyCertificate: z.optional(z.boolean()),
  pool: z.optional(z.int().check(z.gte(1), z.lte(100))),
});
const secretSchema = z.union([z.object({ url: z.string().check(z.minLength(1)) }), partsSchema]);

export class SmtpSecretError extends Error {
  override name = 'SmtpSecretError';
}

/** The relay settings a secret string describes. */
export function smtpConfigFromSecretString(secretString: string): SmtpConfig {
  let json: unknown;
  try {
    json = JSON.parse(secretString);
  } catch {
    throw new SmtpSecretError('the SMTP secret is not JSON (expected {"url": …} or {"host", "port", "username", "password"})');
  }
  const parsed = secretSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
    throw new SmtpSecretError(`the SMTP secret has invalid or missing fields: ${fields} (expected {"url": …} or {"host", "port", "username", "password"})`);
  }
  const secret = parsed.data;
  try {
    if ('url' in secret) return parseSmtpUrl(secret.url);
    const port = secret.port ?? (secret.tls === 'implicit' ? 465 : 587);
    const tls = secret.tls ?? (port === 465 ? 'implicit' : 'required');
    const auth = secret.username !== undefined ? `${encodeURIComponent(secret.username)}:${encodeURIComponent(secret.password ?? '')}@` : '';
    const host = secret.host.includes(':') ? `[${secret.host}]` : secret.host;
    const query = new URLSearchParams();
    if (tls !== 'implicit' && tls !== 'required') query.set('tls', tls);
    if (secret.verifyCertificate === false) query.set('verify', 'false');
    if (secret.pool !== undefined) query.set('pool', String(secret.pool));
    const search = query.size ? `?${query}` : '';
    return parseSmtpUrl(`${tls === 'implicit' ? 'smtps' : 'smtp'}://${auth}${host}:${port}${search}`);
  } catch (error) {
    // parseSmtpUrl names SMTP_URL; say where the value really came from.
    if (error instanceof SmtpConfigError) throw new SmtpSecretError(`the SMTP secret: ${error.message.replace(/^SMTP_URL/, 'url')}`);
    throw error;
  }
}

const cache = new Map<string, Promise<SmtpConfig>>();

/** Reads and parses the secret once per container; a failed read is not cached, so the next cold start retries. */
export function smtpConfigFromSecret(client: SecretsManagerClient, secretArn: string): Promise<SmtpConfig> {
  let pending = cache.get(secretArn);
  if (!pending) {
    pending = (async () => {
      const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
      if (out.SecretString === undefined) throw new SmtpSecretError(`secret ${secretArn} has no SecretString (binary secrets are not supported)`);
      return smtpConfigFromSecretString(out.SecretString);
    })();
    cache.set(secretArn, pending);
    pending.catch(() => cache.delete(secretArn));
  }
  return pending;
}
