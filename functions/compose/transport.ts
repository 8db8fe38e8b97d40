import type { Log } from '../core/log.js';
import type { Transport } from '../core/ports.js';
import type { AwsSettings } from './clients.js';
import { ConfigError, type Env } from './env.js';
import { DELIVERY_TRANSPORT, readEnvironment } from './environment.js';

/**
 * TRANSPORT=ses delivers through Amazon SES (SES_CONFIGURATION_SET names the configuration
 * set that publishes events); TRANSPORT=smtp (the default) through the relay in SMTP_URL
 * locally. A deployed stack never carries SMTP credentials in its environment: it names a
 * Secrets Manager secret instead (SMTP_SECRET_ARN), read once at cold start.
 *
 * Each transport is imported only when it is the one configured: with the bundle split
 * into chunks, an SES deployment never loads nodemailer, an SMTP one never the SES client.
 */
export async function transportFromEnv(env: Env, aws: AwsSettings, log: Log): Promise<Transport> {
  const settings = readEnvironment(DELIVERY_TRANSPORT, env);
  if (settings.TRANSPORT === 'ses') return (await import('./ses.js')).sesTransport(settings, aws, log);
  if (!settings.SMTP_URL && !settings.SMTP_SECRET_ARN)
    throw new ConfigError('SMTP_URL (or SMTP_SECRET_ARN in a deployed stack) is required when TRANSPORT is smtp');
  return (await import('./smtp.js')).smtpTransport(settings, aws, log);
}
