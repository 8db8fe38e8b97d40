import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MiddyfiedHandler } from '@middy/core';
import { emfMetrics, METRICS_NAMESPACE } from '../adapters/emf-metrics.js';
import { powertoolsLog } from '../adapters/logger.js';
import type { Log } from '../core/log.js';
import type { Metrics } from '../core/metrics.js';

/** What a composition hands its function: where logs and metrics go. */
export interface Telemetry {
  log: Log;
  metrics: Metrics;
}

/**
 * Logger and Metrics for one Lambda function. Traces come from Lambda's own active
 * tracing (TracingConfig Active on every function: a segment per invocation with its init,
 * invocation and overhead), not from an X-Ray SDK in the bundle: Powertools Tracer brings
 * aws-xray-sdk-core (≈ 125 KB with semver and cls-hooked) into every cold start for
 * subsegments per AWS call (docs/operations.md, "Traces").
 */
export function lambdaObservability(serviceName: string) {
  const { logger, log } = powertoolsLog(serviceName);
  const powertoolsMetrics = new PowertoolsMetrics({ namespace: METRICS_NAMESPACE, serviceName, logger });
  return { logger, log, powertoolsMetrics, metrics: emfMetrics(powertoolsMetrics) };
}

export type LambdaObservability = ReturnType<typeof lambdaObservability>;

/**
 * The Powertools middlewares every function runs with: metrics flushed as EMF after each
 * invocation, and the Lambda context (request id, cold start) on every log line.
 */
export function withPowertools<Event, Result>(handler: MiddyfiedHandler<Event, Result>, observability: LambdaObservability) {
  return handler.use(logMetrics(observability.powertoolsMetrics)).use(injectLambdaContext(observability.logger));
}
