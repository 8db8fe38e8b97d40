import type { Transport } from '../core/ports.js';
import type { AwsSettings } from './aws-clients.js';
import { ConfigError, type Env } from './env.js';
import { parseSmtpUrl } from './smtp-config.js';
import { SmtpTransport } from './smtp-transport.js';

/**
 * The relay comes from SMTP_URL locally. A deployed stack never carries credentials in
 * its environment: it names a Secrets Manager secret instead (SMTP_SECRET_ARN).
 */
export async function transportFromEnv(env: Env, _aws: AwsSettings): Promise<Transport> {
  if (env.SMTP_URL) return new SmtpTransport(parseSmtpUrl(env.SMTP_URL));
  throw new ConfigError('SMTP_URL (or SMTP_SECRET_ARN in a deployed stack) is required');
}
