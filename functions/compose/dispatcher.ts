/** The dispatcher function: the webhook tables, the webhook queue, and the signed HTTP client. */
import { HttpWebhookSender, type HttpWebhookSenderOptions } from '../adapters/http-webhook-sender.js';
import type { DispatchBatchDeps } from '../core/dispatch-batch.js';
import type { Log } from '../core/log.js';
import { type Metrics, noMetrics } from '../core/metrics.js';
import { systemClock } from '../core/ports.js';
import { DEPLOYED_SCHEDULE_SECONDS, LOCAL_SCHEDULE_SECONDS } from '../core/webhook-retry.js';
import { createDispatcherHandler } from '../dispatcher/sqs-batch.js';
import { type AwsSettings, awsSettingsFromEnv, dynamoClient, sqsClient } from './clients.js';
import type { Env } from './env.js';
import { FUNCTION_ENVIRONMENTS, readEnvironment } from './environment.js';
import type { Telemetry } from './observability.js';
import { webhookPolicy, webhookStores } from './webhook-stores.js';
import { webhookQueueAt } from './webhooks.js';

/** `sender`: the local pipeline's overrides (the chaos run's short timeout); the functions keep the defaults. */
export function dispatcherDeps(
  env: Env,
  aws: AwsSettings,
  log: Log,
  metrics: Metrics = noMetrics,
  sender: Pick<HttpWebhookSenderOptions, 'timeoutMs'> = {},
): DispatchBatchDeps {
  const settings = readEnvironment(FUNCTION_ENVIRONMENTS.dispatcher, env);
  const queue = webhookQueueAt(sqsClient(aws), settings.WEBHOOK_QUEUE_URL);
  return {
    ...webhookStores(dynamoClient(aws), settings),
    queue: queue.events,
    visibility: queue.raw,
    sender: new HttpWebhookSender({ ...sender, policy: webhookPolicy(settings.WEBHOOK_ALLOW_LOOPBACK) }),
    clock: systemClock,
    log,
    metrics,
    schedule: settings.WEBHOOK_SCHEDULE === 'local' ? LOCAL_SCHEDULE_SECONDS : DEPLOYED_SCHEDULE_SECONDS,
  };
}

/** The dispatcher function as its handler runs it. */
export function composeDispatcher(env: Env, telemetry: Telemetry) {
  return createDispatcherHandler(dispatcherDeps(env, awsSettingsFromEnv(env), telemetry.log, telemetry.metrics));
}
