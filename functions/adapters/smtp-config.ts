/**
 * SMTP relay settings from a URL, the form operators already know:
 *   smtps://user:pass@smtp.example.com:465            implicit TLS
 *   smtp://user:pass@smtp.example.com:587             STARTTLS, required
 *   smtp://127.0.0.1:2525?tls=none                    plain (a local sink only)
 * Query options: tls=required|opportunistic|none (smtp:// only), verify=false (accept an
 * unverified certificate: an explicit, logged opt-out), pool=N connections.
 */
export interface SmtpConfig {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (port 465). */
  secure: boolean;
  tls: 'implicit' | 'required' | 'opportunistic' | 'none';
  verifyCertificate: boolean;
  user?: string;
  pass?: string;
  /** Extra trusted CA certificates (PEM), e.g. a private relay's own CA. */
  ca?: string;
  maxConnections: number;
  /** Per-command socket timeout. */
  timeoutMs: number;
}

export class SmtpConfigError extends Error {
  override name = 'SmtpConfigError';
}

export function parseSmtpUrl(input: string, overrides: Partial<SmtpConfig> = {}): SmtpConfig {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new SmtpConfigError('SMTP_URL is not a URL (expected smtp://… or smtps://…)');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new SmtpConfigError(`SMTP_URL scheme must be smtp or smtps, not ${url.protocol}`);
  const secure = url.protocol === 'smtps:';
  const tlsParam = url.searchParams.get('tls') ?? 'required';
  if (!['required', 'opportunistic', 'none'].includes(tlsParam)) throw new SmtpConfigError('SMTP_URL tls= must be required, opportunistic or none');
  if (secure && tlsParam !== 'required') throw new SmtpConfigError('smtps:// is always TLS; tls= applies to smtp:// only');
  const pool = Number(url.searchParams.get('pool') ?? '5');
  if (!Number.isInteger(pool) || pool < 1 || pool > 100) throw new SmtpConfigError('SMTP_URL pool= must be 1-100');
  const config: SmtpConfig = {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    tls: secure ? 'implicit' : (tlsParam as SmtpConfig['tls']),
    verifyCertificate: url.searchParams.get('verify') !== 'false',
    maxConnections: pool,
    timeoutMs: 30_000,
  };
  if (url.username) config.user = decodeURIComponent(url.username);
  if (url.password) config.pass = decodeURIComponent(url.password);
  return { ...config, ...overrides };
}

/** The URL with the password masked, for logs and the start banner. */
export const redactSmtpUrl = (input: string): string => input.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1****@');
