import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { awsSettingsFromEnv } from '../adapters/aws-clients.js';
import { lambdaObservability } from '../adapters/observability.js';
import { transportFromEnv } from '../adapters/transport-from-env.js';
import { deliverDeps } from '../adapters/wiring.js';
import { createDeliverHandler } from './app.js';

const { log, logger, metrics, powertoolsMetrics, tracer, instrument } = lambdaObservability('posthaste-deliver');
const aws = { ...awsSettingsFromEnv(process.env), instrument };

// Top-level await: the transport (SMTP secret, SES client) is set up once per container, at cold start.
export const handler = createDeliverHandler(deliverDeps(process.env, aws, await transportFromEnv(process.env, aws, log), log, metrics))
  .use(captureLambdaHandler(tracer))
  .use(logMetrics(powertoolsMetrics))
  .use(injectLambdaContext(logger));
