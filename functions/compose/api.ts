import { v7 as uuidv7 } from 'uuid';
import { DynamoDbMessageStore } from '../adapters/dynamodb-message-store.js';
import { DynamoDbTemplateStore } from '../adapters/dynamodb-template-store.js';
import { HttpRemoteFiles } from '../adapters/http-remote-files.js';
import { SqsEmailQueue } from '../adapters/sqs-email-queue.js';
import { createApiHandler } from '../api/api-gateway-adapter.js';
import type { ApiDeps } from '../api/deps.js';
import { loadOnce } from '../core/load-once.js';
import { type Log, silentLog } from '../core/log.js';
import { type Metrics, noMetrics } from '../core/metrics.js';
import { type IdempotencyGuard, systemClock } from '../core/ports.js';
import type { CompiledTemplates } from '../core/render-template.js';
import { parseDomainList } from '../core/sender-policy.js';
import { TemplateCache } from '../core/template-cache.js';
import { type AwsSettings, awsSettingsFromEnv, dynamoClient, sqsClient } from './clients.js';
import type { Env } from './env.js';
import { FUNCTION_ENVIRONMENTS, readEnvironment } from './environment.js';
import type { Telemetry } from './observability.js';
import { feedbackStores, payloadStore } from './stores.js';
import { endpointAdmin, webhookPolicy, webhookStores } from './webhook-stores.js';
import { emittingMessages, webhookQueueAt } from './webhooks.js';

/**
 * Builds the API's dependencies from settings; the Lambda handler and the local runner share
 * it. Attachments given by URL are fetched under the rules of webhook URLs (webhookPolicy).
 */
export function apiDeps(env: Env, aws: AwsSettings, metrics: Metrics = noMetrics, log?: Log): ApiDeps {
  const settings = readEnvironment(FUNCTION_ENVIRONMENTS.api, env);
  const dynamo = dynamoClient(aws);
  const sqs = sqsClient(aws);
  const webhookQueue = webhookQueueAt(sqs, settings.WEBHOOK_QUEUE_URL).events;
  // A cancel appends `canceled`: the outbox tells the webhook queue.
  const messages = emittingMessages(
    new DynamoDbMessageStore(dynamo, settings.MESSAGES_TABLE, { retentionDays: settings.MESSAGE_RETENTION_DAYS }),
    webhookQueue,
    log ?? silentLog,
  );
  const urlPolicy = webhookPolicy(settings.WEBHOOK_ALLOW_LOOPBACK);
  const webhooks = webhookStores(dynamo, settings);
  const payloads = payloadStore(settings.PAYLOAD_BUCKET, aws);
  // One store and one cache of compiled templates per container, for sends and for the templates routes.
  const templates = new DynamoDbTemplateStore(dynamo, settings.TEMPLATES_TABLE);
  const compiled: CompiledTemplates = new TemplateCache();
  return {
    accept: {
      messages,
      queue: new SqsEmailQueue(sqs, settings.QUEUE_URL),
      ...(payloads ? { payloads } : {}),
      clock: systemClock,
      newId: uuidv7,
      metrics,
      allowedSenderDomains: parseDomainList(settings.ALLOWED_SENDER_DOMAINS),
      templates: { templates, compiled },
      ...(log ? { log } : {}),
    },
    templates: { templates, compiled, clock: systemClock },
    messages,
    ...(payloads ? { keptContent: payloads } : {}),
    idempotency: onFirstKey(() => import('../adapters/powertools-idempotency.js').then((m) => m.powertoolsIdempotency(dynamo, settings.IDEMPOTENCY_TABLE))),
    ...feedbackStores(settings, dynamo),
    remoteFiles: new HttpRemoteFiles({ policy: urlPolicy }),
    webhooks: {
      endpoints: endpointAdmin(webhooks.endpoints, urlPolicy),
      dispatch: { deliveries: webhooks.deliveries, queue: webhookQueue, clock: systemClock },
    },
  };
}

/**
 * The guard, loaded by the first request that carries an Idempotency-Key: Powertools
 * Idempotency (≈ 37 KB) stays out of the cold start of a container that never sees one.
 */
function onFirstKey(load: () => Promise<IdempotencyGuard>): IdempotencyGuard {
  // A failed load is tried again by the next request, not kept.
  const guard = loadOnce(load);
  return {
    async run(key, fingerprint, work, unsaved) {
      return (await guard()).run(key, fingerprint, work, unsaved);
    },
  };
}

/** The API function as its handler runs it. */
export function composeApi(env: Env, telemetry: Telemetry) {
  return createApiHandler(apiDeps(env, awsSettingsFromEnv(env), telemetry.metrics, telemetry.log), telemetry.log);
}
