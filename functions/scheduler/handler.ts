import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { awsSettingsFromEnv } from '../adapters/aws-clients.js';
import { lambdaObservability } from '../adapters/observability.js';
import { schedulerDeps } from '../adapters/scheduling-wiring.js';
import { createSchedulerHandler } from './app.js';

const { log, logger, tracer, instrument } = lambdaObservability('posthaste-scheduler');

export const handler = createSchedulerHandler(schedulerDeps(process.env, { ...awsSettingsFromEnv(process.env), instrument }, log))
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger));
