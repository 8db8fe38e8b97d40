import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../core/log.js';

/** Powertools structured JSON logs in Lambda. */
export function powertoolsLog(serviceName: string): { log: Log; logger: Logger } {
  const logger = new Logger({ serviceName });
  const log: Log = (level, message, fields = {}) => logger[level](message, fields);
  return { log, logger };
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
