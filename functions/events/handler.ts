import { awsSettingsFromEnv } from '../adapters/aws-clients.js';
import { powertoolsLog } from '../adapters/logger.js';
import { eventsDeps } from '../adapters/wiring.js';
import { createEventsHandler } from './app.js';

const { log } = powertoolsLog('posthaste-events');

export const handler = createEventsHandler(eventsDeps(process.env, awsSettingsFromEnv(process.env), log));
