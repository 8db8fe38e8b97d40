import { Metrics as PowertoolsMetrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { powertoolsLog } from './logger.js';
import type { Metrics } from '../core/metrics.js';

export const METRICS_NAMESPACE = 'Posthaste';

/** Our metrics port on Powertools Metrics: CloudWatch EMF lines, flushed by the logMetrics middleware. */
export function emfMetrics(metrics: PowertoolsMetrics): Metrics {
  return {
    count: (name, value = 1) => metrics.addMetric(name, MetricUnit.Count, value),
    latency: (name, milliseconds) => metrics.addMetric(name, MetricUnit.Milliseconds, milliseconds),
  };
}

/** Logger, Metrics and Tracer for one function; handlers attach their middlewares. */
export function lambdaObservability(serviceName: string) {
  const { logger, log } = powertoolsLog(serviceName);
  const powertoolsMetrics = new PowertoolsMetrics({ namespace: METRICS_NAMESPACE, serviceName });
  const tracer = new Tracer({ serviceName });
  return {
    logger,
    log,
    powertoolsMetrics,
    metrics: emfMetrics(powertoolsMetrics),
    tracer,
    /** For AwsSettings.instrument: every AWS SDK client's calls become X-Ray subsegments. */
    instrument: <T>(client: T): T => tracer.captureAWSv3Client(client as never) as T,
  };
}
