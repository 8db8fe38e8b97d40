import { awsSettingsFromEnv } from '../adapters/aws-clients.js';
import { powertoolsLog } from '../adapters/logger.js';
import { apiDeps } from '../adapters/api-wiring.js';
import { createApiHandler } from './app.js';

const { log } = powertoolsLog('posthaste-api');

export const handler = createApiHandler(apiDeps(process.env, awsSettingsFromEnv(process.env)), log);
