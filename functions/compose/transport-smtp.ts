import { parseSmtpUrl } from '../adapters/smtp-config.js';
import { smtpConfigFromSecret } from '../adapters/smtp-secret.js';
import { SmtpTransport } from '../adapters/smtp-transport.js';
import type { Transport } from '../core/ports.js';
import { type AwsSettings, secretsManagerClient } from './clients.js';
import { ConfigError } from './environment.js';
import type { TransportSettings } from './transport.js';

/**
 * TRANSPORT=smtp: the relay in SMTP_URL locally. A deployed stack never carries SMTP
 * credentials in its environment: it names a Secrets Manager secret instead
 * (SMTP_SECRET_ARN), read once at cold start.
 */
export async function smtpTransport(settings: TransportSettings, aws: AwsSettings): Promise<Transport> {
  if (settings.SMTP_URL) return new SmtpTransport(parseSmtpUrl(settings.SMTP_URL));
  if (settings.SMTP_SECRET_ARN) return new SmtpTransport(await smtpConfigFromSecret(await secretsManagerClient(aws), settings.SMTP_SECRET_ARN));
  throw new ConfigError('SMTP_URL (or SMTP_SECRET_ARN in a deployed stack) is required when TRANSPORT is smtp');
}
