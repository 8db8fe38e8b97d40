import { Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { emfMetrics, METRICS_NAMESPACE } from './emf-metrics.js';
import { powertoolsLog } from './logger.js';

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
