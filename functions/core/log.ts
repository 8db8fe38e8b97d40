/** Structured logging as core sees it; Powertools Logger in Lambda, one-liners locally. */
export type Log = (level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export const silentLog: Log = () => undefined;
