import { Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { awsSettingsFromEnv } from '../adapters/aws-clients.js';
import { emfMetrics, METRICS_NAMESPACE } from '../adapters/emf-metrics.js';
import { eventsDeps } from '../adapters/events-wiring.js';
import { powertoolsLog } from '../adapters/logger.js';
import { createEventsHandler } from './app.js';

// Logger and Metrics only: the events function stays small (no X-Ray SDK) for its cold starts.
const { log } = powertoolsLog('posthaste-events');
const powertoolsMetrics = new PowertoolsMetrics({ namespace: METRICS_NAMESPACE, serviceName: 'posthaste-events' });

export const handler = createEventsHandler(eventsDeps(process.env, awsSettingsFromEnv(process.env), log, emfMetrics(powertoolsMetrics))).use(
  logMetrics(powertoolsMetrics),
);
