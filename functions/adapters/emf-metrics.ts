import { MetricUnit, type Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import type { Metrics } from '../core/metrics.js';

export const METRICS_NAMESPACE = 'Posthaste';

/** Our metrics port on Powertools Metrics: CloudWatch EMF lines, flushed by the logMetrics middleware. */
export function emfMetrics(metrics: PowertoolsMetrics): Metrics {
  return {
    count: (name, value = 1) => metrics.addMetric(name, MetricUnit.Count, value),
    latency: (name, milliseconds) => metrics.addMetric(name, MetricUnit.Milliseconds, milliseconds),
  };
}
