/** Structured logging as core sees it; Powertools Logger in Lambda, one-liners locally. */
export type Log = (level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export const silentLog: Log = () => undefined;

/** An error as the logs show it: what on-call needs to find the failing call. */
export interface LoggedError {
  name: string;
  message: string;
  /** The AWS request id, when the error came from an AWS SDK call (`$metadata.requestId`). */
  requestId?: string;
  cause?: LoggedError;
}

/**
 * The loggable facts of any thrown value, its `cause` chain included (three deep). The
 * request id is read structurally, so core needs no SDK type to log an SDK error.
 */
export function describeError(error: unknown, depth = 0): LoggedError {
  if (!(error instanceof Error)) return { name: typeof error, message: String(error) };
  const requestId = (error as { $metadata?: { requestId?: unknown } }).$metadata?.requestId;
  const described: LoggedError = { name: error.name, message: error.message };
  if (typeof requestId === 'string') described.requestId = requestId;
  if (error.cause !== undefined && depth < 2) described.cause = describeError(error.cause, depth + 1);
  return described;
}
