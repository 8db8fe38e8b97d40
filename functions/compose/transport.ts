import type { Log } from '../core/log.js';
import type { Transport } from '../core/ports.js';
import type { AwsSettings } from './clients.js';
import { type Env, readVariables } from './environment.js';

const TRANSPORT_VARIABLES = ['TRANSPORT', 'SES_CONFIGURATION_SET', 'SES_MAX_SEND_RATE', 'DELIVER_CONCURRENCY', 'SMTP_URL', 'SMTP_SECRET_ARN'] as const;

export type TransportSettings = ReturnType<typeof readVariables<(typeof TRANSPORT_VARIABLES)[number]>>;

/**
 * The configured transport, and only it: each kind is its own module, imported when chosen,
 * so an SES deployment never loads nodemailer and an SMTP one never loads the SES client
 * (the bundler splits each dynamic import into a chunk of its own).
 */
export async function transportFromEnv(env: Env, aws: AwsSettings, log: Log): Promise<Transport> {
  const settings = readVariables(TRANSPORT_VARIABLES, env);
  if (settings.TRANSPORT === 'ses') return (await import('./transport-ses.js')).sesTransport(settings, aws, log);
  return (await import('./transport-smtp.js')).smtpTransport(settings, aws);
}
