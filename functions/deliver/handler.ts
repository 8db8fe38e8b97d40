import { awsSettingsFromEnv } from '../adapters/aws-clients.js';
import { powertoolsLog } from '../adapters/logger.js';
import { transportFromEnv } from '../adapters/transport-from-env.js';
import { deliverDeps } from '../adapters/wiring.js';
import { createDeliverHandler } from './app.js';

const { log } = powertoolsLog('posthaste-deliver');
const aws = awsSettingsFromEnv(process.env);

// Top-level await: the transport (SMTP secret, SES client) is set up once per container, at cold start.
export const handler = createDeliverHandler(deliverDeps(process.env, aws, await transportFromEnv(process.env, aws, log), log));
