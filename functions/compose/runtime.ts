import type { Log } from '../core/log.js';
import type { Metrics } from '../core/metrics.js';
import type { AwsSettings } from './clients.js';

/** What a composition takes besides its environment: logging, metrics, and client instrumentation (Powertools in Lambda). */
export interface Runtime {
  log: Log;
  metrics: Metrics;
  instrument?: AwsSettings['instrument'];
}
