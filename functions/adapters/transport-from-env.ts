import type { Log } from '../core/log.js';
import type { Transport } from '../core/ports.js';
import { type AwsSettings, sesClient } from './aws-clients.js';
import { ConfigError, type Env, integer, oneOf } from './env.js';
import { SesSendRate } from './ses-send-rate.js';
import { SesTransport } from './ses-transport.js';
import { parseSmtpUrl, type SmtpConfig, smtpSecurityWarnings } from './smtp-config.js';
import { secretsManagerClient, smtpConfigFromSecret } from './smtp-secret.js';
import { SmtpTransport } from './smtp-transport.js';

function positiveNumber(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`${name} must be a positive number, not ${raw}`);
  return value;
}

/** The relay transport; each opt-out from verified TLS is logged once, at start. */
function smtpTransport(config: SmtpConfig, log: Log): Transport {
  for (const warning of smtpSecurityWarnings(config)) log('warn', warning);
  return new SmtpTransport(config);
}

/**
 * TRANSPORT=ses delivers through Amazon SES (SES_CONFIGURATION_SET names the configuration
 * set that publishes events); TRANSPORT=smtp (the default) through the relay in SMTP_URL
 * locally. A deployed stack never carries SMTP credentials in its environment: it names a
 * Secrets Manager secret instead (SMTP_SECRET_ARN), read once at cold start.
 */
export async function transportFromEnv(env: Env, aws: AwsSettings, log: Log): Promise<Transport> {
  const kind = oneOf(env, 'TRANSPORT', ['smtp', 'ses'] as const, 'smtp');
  if (kind === 'ses') {
    const client = sesClient(aws);
    const fixedRate = positiveNumber(env, 'SES_MAX_SEND_RATE');
    const rate = new SesSendRate(client, {
      ...(fixedRate !== undefined ? { fixedRate } : {}),
      share: integer(env, 'DELIVER_CONCURRENCY', 1, 1, 1000),
      log,
    });
    const configurationSetName = env.SES_CONFIGURATION_SET;
    return new SesTransport(client, { rate, ...(configurationSetName ? { configurationSetName } : {}) });
  }
  if (env.SMTP_URL) return smtpTransport(parseSmtpUrl(env.SMTP_URL), log);
  if (env.SMTP_SECRET_ARN) return smtpTransport(await smtpConfigFromSecret(secretsManagerClient(aws), env.SMTP_SECRET_ARN), log);
  throw new ConfigError('SMTP_URL (or SMTP_SECRET_ARN in a deployed stack) is required when TRANSPORT is smtp');
}
