import { DynamoDbMessageStore } from '../adapters/dynamodb-message-store.js';
import type { Log } from '../core/log.js';
import type { Metrics } from '../core/metrics.js';
import { systemClock } from '../core/ports.js';
import type { NotificationDeps } from '../core/record-notification.js';
import { createEventsHandler } from '../events/sns-notifications.js';
import { type AwsSettings, awsSettingsFromEnv, dynamoClient, sqsClient } from './clients.js';
import type { Env } from './env.js';
import { FUNCTION_ENVIRONMENTS, readEnvironment } from './environment.js';
import type { Telemetry } from './observability.js';
import { feedbackStores } from './stores.js';
import { emittingMessages, webhookQueueAt } from './webhooks.js';

/** The events function's dependencies from settings: the three tables, and the webhook queue the outbox tells. */
export function eventsDeps(env: Env, aws: AwsSettings, log: Log, metrics?: Metrics): NotificationDeps {
  const settings = readEnvironment(FUNCTION_ENVIRONMENTS.events, env);
  const dynamo = dynamoClient(aws);
  return {
    messages: emittingMessages(
      new DynamoDbMessageStore(dynamo, settings.MESSAGES_TABLE),
      webhookQueueAt(sqsClient(aws), settings.WEBHOOK_QUEUE_URL).events,
      log,
    ),
    ...feedbackStores(settings, dynamo),
    clock: systemClock,
    log,
    ...(metrics ? { metrics } : {}),
  };
}

/** The events function as its handler runs it. */
export function composeEvents(env: Env, telemetry: Telemetry) {
  const { SES_EVENTS_TOPIC_ARN } = readEnvironment(FUNCTION_ENVIRONMENTS.events, env);
  return createEventsHandler(eventsDeps(env, awsSettingsFromEnv(env), telemetry.log, telemetry.metrics), {
    topicArn: SES_EVENTS_TOPIC_ARN,
  });
}
