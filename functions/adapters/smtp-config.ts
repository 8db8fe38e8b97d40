/**
 * SMTP relay settings from a URL, the form operators already know:
 *   smtps://user:pass@smtp.example.com:465            implicit TLS
 *   smtp://user:pass@smtp.example.com:587             STARTTLS, required
 *   smtp://127.0.0.1:2525?tls=none                    plain (a local sink only)
 * Query options: tls=required|opportunistic|none (smtp:// only), verify=false (accept an
 * unverified certificate), pool=N connections. Each opt-out from verified TLS is explicit and
 * logged as a warning when the transport starts (`smtpSecurityWarnings`); `tls=none` with
 * credentials is refused unless the relay is on loopback, where nothing crosses a network.
 */
import { isIP } from 'node:net';
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
  const merged = { ...config, ...overrides };
  if (merged.tls === 'none' && merged.user !== undefined && !isLoopbackHost(merged.host)) {
    throw new SmtpConfigError('SMTP_URL tls=none would send the relay credentials in clear text; use tls=required (STARTTLS) or smtps://');
  }
  return merged;
}

/** localhost, 127.0.0.0/8 and ::1: a relay on this machine, reached without a network. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  return name === '::1' || name === '0:0:0:0:0:0:0:1';
}

/** One line per opt-out from verified TLS, for the operator's log at start; none for the default. */
export function smtpSecurityWarnings(config: SmtpConfig): string[] {
  const warnings: string[] = [];
  const where = `${config.host}:${config.port}`;
  if (!config.verifyCertificate) warnings.push(`SMTP relay ${where}: verify=false, the relay's TLS certificate is not verified`);
  if (!isLoopbackHost(config.host)) {
    if (config.tls === 'opportunistic') warnings.push(`SMTP relay ${where}: tls=opportunistic, mail is sent in clear text when the relay offers no STARTTLS`);
    if (config.tls === 'none') warnings.push(`SMTP relay ${where}: tls=none, mail is sent in clear text`);
  }
  return warnings;
}

/**
 * The URL with the password masked, for logs and the start banner. Read by the URL parser,
 * not a pattern: a user name with a raw `@` in it (`relay@example.com:pass@host`) is still
 * split where the relay would split it, so the password never shows.
 */
export function redactSmtpUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return '(SMTP_URL is not a URL)';
  }
  if (url.password) url.password = '****';
  return url.toString();
}
