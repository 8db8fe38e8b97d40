/**
 * The deliver function as a separate process: the Lambda handler's own composition from
 * the environment, fed by the local event-source poller. The chaos suite kills and restarts
 * it the way a Lambda timeout or crash ends an invocation.
 *
 * Environment: what the deliver Lambda reads (MESSAGES_TABLE, QUEUE_URL, SMTP_URL, …),
 * POSTHASTE_*_ENDPOINT for the stand-ins, QUEUE_ARN, WORKER_CONCURRENCY, LOG_LEVEL, and the
 * chaos run's CHAOS_KILL_AFTER_WRITE and CHAOS_SEED (LOCAL_ENVIRONMENTS.worker in
 * functions/compose/environment.ts).
 */
import { consoleLog } from '../functions/adapters/logger.js';
import { awsSettingsFromEnv, sqsClient } from '../functions/compose/clients.js';
import { composeDeliver } from '../functions/compose/deliver.js';
import { LOCAL_ENVIRONMENTS, readEnvironment } from '../functions/compose/environment.js';
import { noMetrics } from '../functions/core/metrics.js';
import { killAfterWrite, killsAfter } from './kill-after-write.js';
import { startPoller } from './sqs-poller.js';

const env = process.env;
const settings = readEnvironment(LOCAL_ENVIRONMENTS.worker, env);
const log = consoleLog('deliver-worker', settings.LOG_LEVEL);
const kills = settings.CHAOS_KILL_AFTER_WRITE ? killsAfter(settings.CHAOS_SEED, settings.CHAOS_KILL_AFTER_WRITE) : undefined;
const handler = await composeDeliver(env, { log, metrics: noMetrics }, kills ? { beneathOutbox: (store) => killAfterWrite(store, kills) } : {});
const poller = startPoller({
  client: sqsClient(awsSettingsFromEnv(env)),
  queueUrl: settings.QUEUE_URL,
  queueArn: settings.QUEUE_ARN,
  handler,
  concurrency: settings.WORKER_CONCURRENCY,
  log,
});
process.send?.('ready');
process.on('SIGTERM', () => void poller.stop().then(() => process.exit(0)));
