/**
 * Classifies what a transport reports into what the deliver worker does with it:
 * retry later (temporary, throttled) or give up now (permanent).
 */
export type TransportFailureKind = 'temporary' | 'permanent' | 'throttled';

/** Transport-neutral description of a failure, filled in by the SMTP and SES adapters. */
export interface TransportFailure {
  kind: TransportFailureKind;
  /** Reply text from the relay or the error message from SES. */
  response: string;
  /** SMTP reply code (421, 550, …) when there is one. */
  responseCode?: number;
  /** Error code from the library or service (ECONNECTION, Throttling, MessageRejected, …). */
  code?: string;
  /**
   * Retried, but no retry will help until an operator acts (sending paused for the account
   * or the configuration set): logged as an error, not a warning.
   */
  needsOperator?: boolean;
}

export class TransportError extends Error {
  readonly failure: TransportFailure;
  constructor(failure: TransportFailure) {
    super(failure.response);
    this.name = 'TransportError';
    this.failure = failure;
  }
}

/** nodemailer's codes for replies about the message itself (MAIL FROM, RCPT TO, DATA). */
const MESSAGE_STAGES = new Set(['EENVELOPE', 'EMESSAGE']);

/**
 * SMTP: a 5xx about the message (envelope or DATA) is permanent (RFC 5321 §4.2.1);
 * everything else is retried. Errors without a reply code are network trouble (connection
 * lost mid-DATA, timeout, refused). A 5xx to STARTTLS or AUTH (ETLS, EAUTH, 530/535) is
 * our configuration, not the message: retrying is right, so an operator who fixes the
 * relay or the secret loses nothing (unfixed, the message ends in the DLQ).
 */
export function classifySmtp(error: { responseCode?: number; code?: string; response?: string; message?: string }): TransportFailure {
  const response = (error.response ?? error.message ?? 'unknown SMTP error').trim();
  const failure: TransportFailure = { kind: 'temporary', response };
  if (error.responseCode !== undefined) failure.responseCode = error.responseCode;
  if (error.code !== undefined) failure.code = error.code;
  const code = error.responseCode ?? 0;
  const operatorFault = operatorFaultOf(error.code, code, response);
  if (operatorFault) {
    // Retried, and the status says why: the relay's settings or secret need an operator.
    failure.response = `${operatorFault}: ${response}`;
    failure.needsOperator = true;
    return failure;
  }
  const aboutTheMessage = error.code === undefined || MESSAGE_STAGES.has(error.code);
  if (code >= 500 && code < 600 && aboutTheMessage) failure.kind = 'permanent';
  return failure;
}

/** AUTH refused (EAUTH, 530, 535) or TLS failing (ETLS, certificate errors): the operator's to fix, not the message's. */
function operatorFaultOf(errorCode: string | undefined, replyCode: number, response: string): string | undefined {
  if (errorCode === 'EAUTH' || errorCode === 'ENOAUTH' || replyCode === 530 || replyCode === 535) return 'relay authentication failed';
  if (errorCode === 'ETLS' || /certificate|self[- ]signed|unable to verify|TLS|SSL/i.test(errorCode === 'ESOCKET' ? response : ''))
    return 'TLS with the relay failed';
  return undefined;
}

const SES_PERMANENT = ['MessageRejected', 'MailFromDomainNotVerified', 'ConfigurationSetDoesNotExist', 'InvalidParameterValue'];
const SES_PAUSED = ['AccountSendingPaused', 'ConfigurationSetSendingPaused'];

/**
 * SES: throttling (the send rate or the daily quota) is retried with backoff; a message SES
 * refuses (content, unverified MAIL FROM, unknown configuration set, invalid parameter) is
 * refused again on every retry, so it fails now; paused sending is retried, because it ends
 * when an operator resumes it. Anything else (5xx, network, timeouts) is temporary.
 * Error names match with or without the SDK's `Exception` suffix.
 */
export function classifySes(error: { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } }): TransportFailure {
  const code = error.code ?? error.name ?? 'Error';
  const message = (error.message ?? '').trim();
  const failure: TransportFailure = { kind: 'temporary', response: message ? `${code}: ${message}` : code, code };
  const is = (names: string[]) => names.some((name) => code === name || code === `${name}Exception`);
  if (code === 'Throttling' || code === 'ThrottlingException' || /maximum sending rate exceeded/i.test(message)) failure.kind = 'throttled';
  else if (is(SES_PERMANENT)) failure.kind = 'permanent';
  else if (is(SES_PAUSED)) failure.needsOperator = true;
  return failure;
}

/** Exponential backoff with full jitter, in whole seconds, for SQS visibility. */
export function backoffSeconds(attempt: number, baseSeconds: number, maxSeconds: number, random: () => number = Math.random): number {
  if (baseSeconds <= 0) return 0;
  const ceiling = Math.min(maxSeconds, baseSeconds * 2 ** Math.max(0, attempt - 1));
  return Math.max(1, Math.round(ceiling / 2 + (random() * ceiling) / 2));
}
