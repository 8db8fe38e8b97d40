import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddyfiedHandler } from '@middy/core';
import { emfMetrics, METRICS_NAMESPACE } from '../adapters/emf-metrics.js';
import { powertoolsLog } from '../adapters/logger.js';
import type { Log } from '../core/log.js';
import type { Metrics } from '../core/metrics.js';
import type { AwsSettings } from './clients.js';

/** What a composition hands its function: where logs and metrics go, and how AWS clients are traced. */
export interface Telemetry {
  log: Log;
  metrics: Metrics;
  instrument?: AwsSettings['instrument'];
}

/** Logger, Metrics and Tracer for one Lambda function. */
export function lambdaObservability(serviceName: string) {
  const { logger, log } = powertoolsLog(serviceName);
  const powertoolsMetrics = new PowertoolsMetrics({ namespace: METRICS_NAMESPACE, serviceName, logger });
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

export type LambdaObservability = ReturnType<typeof lambdaObservability>;

/**
 * The Powertools middlewares every function runs with: a trace segment per invocation,
 * metrics flushed as EMF after it, and the Lambda context (request id, cold start) on
 * every log line.
 */
export function withPowertools<Event, Result>(handler: MiddyfiedHandler<Event, Result>, observability: LambdaObservability) {
  return handler
    .use(captureLambdaHandler(observability.tracer))
    .use(logMetrics(observability.powertoolsMetrics))
    .use(injectLambdaContext(observability.logger));
}
