import { DynamoDbMessageStore } from '../adapters/dynamodb-message-store.js';
import type { Log } from '../core/log.js';
import type { Metrics } from '../core/metrics.js';
import { systemClock } from '../core/ports.js';
import type { NotificationDeps } from '../core/record-notification.js';
import { createEventsHandler } from '../events/sns-notifications.js';
import { type AwsSettings, awsSettingsFromEnv, dynamoClient } from './clients.js';
import { type Env, readSettings } from './environment.js';
import type { Runtime } from './runtime.js';
import { feedbackStores } from './stores.js';

/** The events function's dependencies: the three tables, nothing else. */
export function eventsDeps(env: Env, aws: AwsSettings, log: Log, metrics?: Metrics): NotificationDeps {
  const settings = readSettings('events', env);
  const dynamo = dynamoClient(aws);
  return {
    messages: new DynamoDbMessageStore(dynamo, settings.MESSAGES_TABLE),
    ...feedbackStores(settings, dynamo),
    clock: systemClock,
    log,
    ...(metrics ? { metrics } : {}),
  };
}

/** SES notifications from SNS → feedback records, suppressions, message status. */
export function composeEvents(env: Env, runtime: Runtime) {
  return createEventsHandler(eventsDeps(env, awsSettingsFromEnv(env, runtime.instrument), runtime.log, runtime.metrics));
}
