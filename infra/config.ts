import type { Node } from 'constructs';

/**
 * Deployment settings, read from cdk.json context (or `-c key=value` on the command line).
 * Everything has a safe default except what cannot be guessed: who may be the sender
 * (`domain` or `allowedSenderDomains`) and the SMTP secret when the transport is `smtp`. A bad value stops the synth with a message naming the key.
 */
export interface PosthasteConfig {
  /** How the deliver function hands messages over: Amazon SES or an SMTP relay. */
  transport: 'ses' | 'smtp';
  /**
   * Domains `from` may use, and the only SES identities the deliver function may send as.
   * Never empty: without `domain` or `allowedSenderDomains` the synth stops.
   */
  allowedSenderDomains: string[];
  /** Secrets Manager secret holding the relay (`{"url": "smtps://…"}` or host/port/username/password). */
  smtpSecretArn?: string;
  configurationSetName: string;
  /** Upper bound on concurrent deliver invocations (SQS event source maxConcurrency, 2-1000). */
  deliverConcurrency: number;
  /** Alarm notifications go here when set. */
  alarmEmail?: string;
  /** Sending domain to verify in SES (Easy DKIM + custom MAIL FROM); outputs its DNS records. */
  domain?: string;
  /** Subdomain of `domain` used as MAIL FROM (bounce return path). */
  mailFromSubdomain: string;
  /** DMARC policy published in the suggested record. */
  dmarcPolicy: 'none' | 'quarantine' | 'reject';
  /** Tables, queues and the bucket are kept when the stack is deleted, unless this says `destroy` (test stacks only). */
  removalPolicy: 'retain' | 'destroy';
  logRetentionDays: number;
  /** Days the payload bucket keeps what each message sent (headers, text and HTML parts) for operators; 0 keeps nothing. */
  contentRetentionDays: number;
  /** Stage-wide API throttle (requests per second and burst). */
  apiRateLimit: number;
  apiBurstLimit: number;
  /** Per-API-key throttle (usage plan). */
  keyRateLimit: number;
  keyBurstLimit: number;
  /** Seconds the authorizer's answer is cached per key (0 disables; a revoked key lives at most this long). */
  authorizerCacheSeconds: number;
  /** SES delivers only over TLS to receiving servers unless this is false. */
  requireTls: boolean;
  /**
   * Open and click tracking on the configuration set (SES transport only): SES adds a pixel
   * and rewrites links, and the events function records Open and Click in the history.
   */
  engagementTracking: boolean;
  /** Your own domain for tracked links and the pixel (a CNAME to SES's tracking host, served over HTTPS). */
  trackingRedirectDomain?: string;
  /** Days messages (status, history, the email log's index items, the event feed) are kept: DynamoDB TTL on the messages table. */
  messageRetentionDays: number;
  stackPrefix: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Lookup = (key: string) => unknown;

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const SECRET_ARN = /^arn:aws[\w-]*:secretsmanager:[\w-]+:\d{12}:secret:[\w/+=.@-]+$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function text(get: Lookup, key: string): string | undefined {
  const value = get(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ConfigError(`context ${key} must be a string`);
  return value.trim();
}

function int(get: Lookup, key: string, fallback: number, min: number, max: number): number {
  const raw = get(key);
  if (raw === undefined || raw === null || raw === '') return fallback;
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ConfigError(`context ${key} must be an integer from ${min} to ${max}, not ${String(raw)}`);
  return value;
}

function choice<T extends string>(get: Lookup, key: string, choices: readonly T[], fallback: T): T {
  const value = text(get, key) ?? fallback;
  if (!(choices as readonly string[]).includes(value)) throw new ConfigError(`context ${key} must be one of ${choices.join(', ')}, not ${value}`);
  return value as T;
}

function bool(get: Lookup, key: string, fallback: boolean): boolean {
  const raw = get(key);
  if (raw === undefined || raw === null || raw === '') return fallback;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw new ConfigError(`context ${key} must be true or false, not ${String(raw)}`);
}

/** A list from JSON context (`["a.com"]`) or the command line (`-c allowedSenderDomains=a.com,b.com`). */
function list(get: Lookup, key: string): string[] {
  const raw = get(key);
  if (raw === undefined || raw === null || raw === '') return [];
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : undefined;
  if (!items || items.some((i) => typeof i !== 'string')) throw new ConfigError(`context ${key} must be a list of strings`);
  return (items as string[]).map((i) => i.trim().toLowerCase()).filter(Boolean);
}

export function readConfig(get: Lookup): PosthasteConfig {
  const transport = choice(get, 'transport', ['ses', 'smtp'] as const, 'ses');
  const smtpSecretArn = text(get, 'smtpSecretArn');
  if (transport === 'smtp' && !smtpSecretArn) throw new ConfigError('context smtpSecretArn is required when transport is smtp (a Secrets Manager secret ARN)');
  if (smtpSecretArn && !SECRET_ARN.test(smtpSecretArn)) throw new ConfigError(`context smtpSecretArn is not a Secrets Manager secret ARN: ${smtpSecretArn}`);

  const allowedSenderDomains = list(get, 'allowedSenderDomains');
  for (const d of allowedSenderDomains) if (!DOMAIN.test(d)) throw new ConfigError(`context allowedSenderDomains: ${d} is not a domain name`);

  const domain = text(get, 'domain')?.toLowerCase();
  if (domain && !DOMAIN.test(domain)) throw new ConfigError(`context domain: ${domain} is not a domain name`);
  // Without either, a leaked key could send as every identity the account has verified in SES.
  if (!domain && allowedSenderDomains.length === 0) {
    throw new ConfigError('set context domain (the sending domain, e.g. -c domain=example.com) or allowedSenderDomains (the domains `from` may use)');
  }
  const alarmEmail = text(get, 'alarmEmail');
  if (alarmEmail && !EMAIL.test(alarmEmail)) throw new ConfigError(`context alarmEmail: ${alarmEmail} is not an e-mail address`);
  const mailFromSubdomain = text(get, 'mailFromSubdomain') ?? 'mail';
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(mailFromSubdomain)) throw new ConfigError('context mailFromSubdomain must be one DNS label');
  const configurationSetName = text(get, 'configurationSetName') ?? 'posthaste';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(configurationSetName)) throw new ConfigError('context configurationSetName: letters, digits, _ and -, at most 64');
  const stackPrefix = text(get, 'stackPrefix') ?? 'Posthaste';
  if (!/^[A-Za-z][A-Za-z0-9-]{0,40}$/.test(stackPrefix)) throw new ConfigError('context stackPrefix must start with a letter: letters, digits and -');

  const engagementTracking = bool(get, 'engagementTracking', false);
  const trackingRedirectDomain = text(get, 'trackingRedirectDomain')?.toLowerCase();
  if (trackingRedirectDomain && !DOMAIN.test(trackingRedirectDomain))
    throw new ConfigError(`context trackingRedirectDomain: ${trackingRedirectDomain} is not a domain name`);
  if (trackingRedirectDomain && !engagementTracking) throw new ConfigError('context trackingRedirectDomain needs engagementTracking=true');
  if (engagementTracking && transport !== 'ses')
    throw new ConfigError('context engagementTracking needs transport=ses: an SMTP relay does not report opens or clicks to Posthaste');

  const config: PosthasteConfig = {
    transport,
    allowedSenderDomains: domain && allowedSenderDomains.length === 0 ? [domain] : allowedSenderDomains,
    configurationSetName,
    deliverConcurrency: int(get, 'deliverConcurrency', 5, 2, 1000),
    mailFromSubdomain,
    dmarcPolicy: choice(get, 'dmarcPolicy', ['none', 'quarantine', 'reject'] as const, 'quarantine'),
    removalPolicy: choice(get, 'removalPolicy', ['retain', 'destroy'] as const, 'retain'),
    logRetentionDays: int(get, 'logRetentionDays', 30, 1, 3653),
    contentRetentionDays: int(get, 'contentRetentionDays', 30, 0, 3650),
    apiRateLimit: int(get, 'apiRateLimit', 100, 1, 10_000),
    apiBurstLimit: int(get, 'apiBurstLimit', 200, 1, 5_000),
    keyRateLimit: int(get, 'keyRateLimit', 20, 1, 10_000),
    keyBurstLimit: int(get, 'keyBurstLimit', 40, 1, 5_000),
    authorizerCacheSeconds: int(get, 'authorizerCacheSeconds', 30, 0, 3600),
    requireTls: bool(get, 'requireTls', true),
    engagementTracking,
    messageRetentionDays: int(get, 'messageRetentionDays', 90, 1, 3650),
    stackPrefix,
  };
  if (smtpSecretArn) config.smtpSecretArn = smtpSecretArn;
  if (alarmEmail) config.alarmEmail = alarmEmail;
  if (domain) config.domain = domain;
  if (trackingRedirectDomain) config.trackingRedirectDomain = trackingRedirectDomain;
  return config;
}

export const configFromNode = (node: Node): PosthasteConfig => readConfig((key) => node.tryGetContext(key));
