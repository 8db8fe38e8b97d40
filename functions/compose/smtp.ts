import { parseSmtpUrl, type SmtpConfig, smtpSecurityWarnings } from '../adapters/smtp-config.js';
import { smtpConfigFromSecret } from '../adapters/smtp-secret.js';
import { SmtpTransport } from '../adapters/smtp-transport.js';
import type { Log } from '../core/log.js';
import type { Transport } from '../core/ports.js';
import { type AwsSettings, secretsManagerClient } from './clients.js';
import type { DELIVERY_TRANSPORT, Settings } from './environment.js';

type TransportSettings = Settings<typeof DELIVERY_TRANSPORT>;

/** The relay in SMTP_URL, or in the SMTP_SECRET_ARN secret. Loaded only when TRANSPORT=smtp. */
export async function smtpTransport(settings: TransportSettings, aws: AwsSettings, log: Log): Promise<Transport> {
  const config: SmtpConfig = settings.SMTP_URL
    ? parseSmtpUrl(settings.SMTP_URL)
    : await smtpConfigFromSecret(await secretsManagerClient(aws), settings.SMTP_SECRET_ARN!);
  // Each opt-out from verified TLS is logged once, at start.
  for (const warning of smtpSecurityWarnings(config)) log('warn', warning);
  return new SmtpTransport(config);
}
