import type { Log } from '../core/log.js';
import type { Metrics } from '../core/metrics.js';
import { systemClock } from '../core/ports.js';
import type { NotificationDeps } from '../core/record-notification.js';
import { type AwsSettings, dynamoClient } from './aws-clients.js';
import { DynamoDbMessageStore } from './dynamodb-message-store.js';
import { type Env, required } from './env.js';
import { feedbackStores } from './stores-from-env.js';

/** The events function's dependencies from settings: the three tables, nothing else. */
export function eventsDeps(env: Env, aws: AwsSettings, log: Log, metrics?: Metrics): NotificationDeps {
  const dynamo = dynamoClient(aws);
  return {
    messages: new DynamoDbMessageStore(dynamo, required(env, 'MESSAGES_TABLE')),
    ...feedbackStores(env, dynamo),
    clock: systemClock,
    log,
    ...(metrics ? { metrics } : {}),
  };
}
