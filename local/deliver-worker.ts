/**
 * The deliver function as a separate process: the Lambda handler's own wiring from the
 * environment, fed by the local event-source poller. The chaos suite kills and restarts
 * it the way a Lambda timeout or crash ends an invocation.
 *
 * Environment: what the deliver Lambda reads (MESSAGES_TABLE, QUEUE_URL, SMTP_URL, …),
 * POSTHASTE_*_ENDPOINT for the stand-ins, QUEUE_ARN, WORKER_CONCURRENCY.
 */
import { awsSettingsFromEnv, sqsClient } from '../functions/adapters/aws-clients.js';
import { integer, required } from '../functions/adapters/env.js';
import { consoleLog } from '../functions/adapters/logger.js';
import { transportFromEnv } from '../functions/adapters/transport-from-env.js';
import { deliverDeps } from '../functions/adapters/wiring.js';
import { createDeliverHandler } from '../functions/deliver/app.js';
import { startPoller } from './sqs-poller.js';

const env = process.env;
const aws = awsSettingsFromEnv(env);
const log = consoleLog('deliver-worker', (env.LOG_LEVEL as 'info' | 'warn' | 'error' | undefined) ?? 'warn');
const handler = createDeliverHandler(deliverDeps(env, aws, await transportFromEnv(env, aws, log), log));
const poller = startPoller({
  client: sqsClient(aws),
  queueUrl: required(env, 'QUEUE_URL'),
  queueArn: env.QUEUE_ARN ?? 'arn:aws:sqs:us-east-1:000000000000:posthaste-send',
  handler,
  concurrency: integer(env, 'WORKER_CONCURRENCY', 2, 1, 64),
  log,
});
process.send?.('ready');
process.on('SIGTERM', () => void poller.stop().then(() => process.exit(0)));
