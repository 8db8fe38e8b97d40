import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddyfiedHandler } from '@middy/core';
import { emfMetrics, METRICS_NAMESPACE } from '../adapters/emf-metrics.js';
import { powertoolsLog } from '../adapters/logger.js';
import type { Runtime } from './runtime.js';

/** Logger, Metrics and Tracer for one function: the Runtime its composition takes, and what `observed` attaches. */
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
    /** Every AWS SDK client's calls become X-Ray subsegments. */
    instrument: <T>(client: T): T => tracer.captureAWSv3Client(client as never) as T,
  } satisfies Runtime & Record<string, unknown>;
}

export type LambdaObservability = ReturnType<typeof lambdaObservability>;

/** The same Powertools middlewares on every function: an X-Ray segment, metrics flushed per invocation, the Lambda context in every log line. */
// biome-ignore lint/suspicious/noExplicitAny: the middlewares are generic over any event and result.
export function observed<H extends MiddyfiedHandler<any, any>>(handler: H, observability: LambdaObservability): H {
  return handler
    .use(captureLambdaHandler(observability.tracer))
    .use(logMetrics(observability.powertoolsMetrics))
    .use(injectLambdaContext(observability.logger)) as H;
}
