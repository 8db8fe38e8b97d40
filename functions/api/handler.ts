import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { apiDeps } from '../adapters/api-wiring.js';
import { awsSettingsFromEnv } from '../adapters/aws-clients.js';
import { lambdaObservability } from '../adapters/observability.js';
import { createApiHandler } from './app.js';

const { log, logger, metrics, powertoolsMetrics, tracer, instrument } = lambdaObservability('posthaste-api');

export const handler = createApiHandler(apiDeps(process.env, { ...awsSettingsFromEnv(process.env), instrument }, metrics, log), log)
  .use(captureLambdaHandler(tracer))
  .use(logMetrics(powertoolsMetrics))
  .use(injectLambdaContext(logger));
