import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../core/log.js';

/**
 * Powertools structured JSON logs in Lambda, with our message id as the correlation id:
 * a line that names a `messageId` carries it as `correlation_id` too, so one CloudWatch
 * Logs Insights query (`filter correlation_id = "…"`) follows a message from the API
 * through the scheduler and deliver to the events function.
 */
export function correlatedLog(logger: Logger): Log {
  return (level, message, fields = {}) => {
    const correlation = typeof fields.messageId === 'string' ? { correlation_id: fields.messageId } : {};
    logger[level](message, { ...fields, ...correlation });
  };
}

export function powertoolsLog(serviceName: string): { log: Log; logger: Logger } {
  const logger = new Logger({ serviceName });
  return { log: correlatedLog(logger), logger };
}

/** One readable line per event, for `npm start`. */
export function consoleLog(component: string, minLevel: 'debug' | 'info' | 'warn' | 'error' = 'info'): Log {
  const order = ['debug', 'info', 'warn', 'error'];
  return (level, message, fields = {}) => {
    if (order.indexOf(level) < order.indexOf(minLevel)) return;
    const extras = Object.entries(fields)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    const line = `${new Date().toISOString().slice(11, 23)} ${level.toUpperCase().padEnd(5)} [${component}] ${message}${extras ? ` ${extras}` : ''}`;
    (level === 'error' || level === 'warn' ? console.error : console.log)(line);
  };
}
