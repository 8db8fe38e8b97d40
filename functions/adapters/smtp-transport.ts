import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { classifySmtp, TransportError } from '../core/delivery-outcome.js';
import type { BuiltMessage } from '../core/mime.js';
import type { Transport, TransportResult } from '../core/ports.js';
import type { SmtpConfig } from './smtp-config.js';

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  recipient?: string;
  rejectedErrors?: SmtpError[];
}

/** nodemailer pool settings for a relay; bench/ gives the same ones to its nodemailer baseline. */
export function poolOptions(config: SmtpConfig): SMTPPool.Options {
  return {
    pool: true,
    maxConnections: config.maxConnections,
    // Reconnecting costs a greeting round trip (and a TLS handshake); keep connections.
    maxMessages: Infinity,
    host: config.host,
    port: config.port,
    secure: config.secure,
    requireTLS: config.tls === 'required',
    ignoreTLS: config.tls === 'none',
    ...(config.user !== undefined ? { auth: { user: config.user, pass: config.pass ?? '' } } : {}),
    // No explicit servername: nodemailer sends SNI for host names and verifies the
    // certificate against the host (an IP address as SNI is refused by RFC 6066).
    tls: {
      rejectUnauthorized: config.verifyCertificate,
      minVersion: 'TLSv1.2',
      ...(config.ca ? { ca: config.ca } : {}),
    },
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  } as SMTPPool.Options;
}

/**
 * Delivery through any SMTP relay with nodemailer's pooled transport. The pool lives as
 * long as the Lambda container, so warm invocations skip connect, TLS and AUTH.
 */
export class SmtpTransport implements Transport {
  readonly name = 'smtp';
  private readonly transporter: Transporter<SMTPPool.SentMessageInfo>;

  constructor(config: SmtpConfig) {
    this.transporter = nodemailer.createTransport(poolOptions(config));
  }

  async send(message: BuiltMessage): Promise<TransportResult> {
    try {
      const info = await this.transporter.sendMail({ raw: message.raw, envelope: message.envelope });
      const rejectedErrors = ((info as unknown as { rejectedErrors?: SmtpError[] }).rejectedErrors ?? []) as SmtpError[];
      return {
        accepted: (info.accepted as string[]).map(String),
        rejected: rejectedErrors.map((e) => ({ recipient: e.recipient ?? '', failure: classifySmtp(e) })),
        response: info.response,
      };
    } catch (error) {
      const smtpError = error as SmtpError;
      // Every recipient refused: report each one so a 550 user-unknown is a per-recipient bounce.
      if (smtpError.code === 'EENVELOPE' && smtpError.rejectedErrors?.length) {
        return {
          accepted: [],
          rejected: smtpError.rejectedErrors.map((e) => ({ recipient: e.recipient ?? '', failure: classifySmtp(e) })),
          response: smtpError.response ?? smtpError.message,
        };
      }
      throw new TransportError(classifySmtp(smtpError));
    }
  }

  /** Checks connectivity, TLS and credentials; used at local start to fail fast. */
  async verify(): Promise<void> {
    await this.transporter.verify();
  }

  close(): void {
    this.transporter.close();
  }
}
