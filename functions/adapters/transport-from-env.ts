import type { Transport } from '../core/ports.js';
import type { AwsSettings } from './aws-clients.js';
import { ConfigError, type Env } from './env.js';
import { parseSmtpUrl } from './smtp-config.js';
import { secretsManagerClient, smtpConfigFromSecret } from './smtp-secret.js';
import { SmtpTransport } from './smtp-transport.js';

/**
 * The relay comes from SMTP_URL locally. A deployed stack never carries credentials in
 * its environment: it names a Secrets Manager secret instead (SMTP_SECRET_ARN), read at
 * cold start.
 */
export async function transportFromEnv(env: Env, aws: AwsSettings): Promise<Transport> {
  if (env.SMTP_URL) return new SmtpTransport(parseSmtpUrl(env.SMTP_URL));
  if (env.SMTP_SECRET_ARN) return new SmtpTransport(await smtpConfigFromSecret(secretsManagerClient(aws), env.SMTP_SECRET_ARN));
  throw new ConfigError('SMTP_URL (or SMTP_SECRET_ARN in a deployed stack) is required');
}
