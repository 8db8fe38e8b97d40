/**
 * The deliver function as a separate process: the Lambda handler's own composition from the
 * environment, fed by the local event-source poller. The chaos suite kills and restarts
 * it the way a Lambda timeout or crash ends an invocation.
 *
 * Environment: the `deliverWorker` contract in functions/compose/environment.ts: what the
 * deliver Lambda reads (POSTHASTE_*_ENDPOINT for the stand-ins), QUEUE_ARN, WORKER_CONCURRENCY.
 */
import { consoleLog } from '../functions/adapters/logger.js';
import { awsSettingsFromEnv, sqsClient } from '../functions/compose/clients.js';
import { composeDeliver } from '../functions/compose/deliver.js';
import { readSettings } from '../functions/compose/environment.js';
import { noMetrics } from '../functions/core/metrics.js';
import { startPoller } from './sqs-poller.js';

const env = process.env;
const settings = readSettings('deliverWorker', env);
const log = consoleLog('deliver-worker', settings.LOG_LEVEL);
const poller = startPoller({
  client: sqsClient(awsSettingsFromEnv(env)),
  queueUrl: settings.QUEUE_URL,
  queueArn: settings.QUEUE_ARN ?? 'arn:aws:sqs:us-east-1:000000000000:posthaste-send',
  handler: await composeDeliver(env, { log, metrics: noMetrics }),
  concurrency: settings.WORKER_CONCURRENCY,
  log,
});
process.send?.('ready');
process.on('SIGTERM', () => void poller.stop().then(() => process.exit(0)));
