import { DynamoDbMessageStore } from '../functions/adapters/dynamodb-message-store.js';
import { SqsDeadLetters } from '../functions/adapters/sqs-dead-letters.js';
import { awsSettingsFromEnv, dynamoClient, sqsClient } from '../functions/compose/clients.js';
import { ConfigError, type Env } from '../functions/compose/env.js';
import { LOCAL_ENVIRONMENTS, readEnvironment, type Settings } from '../functions/compose/environment.js';
import { systemClock } from '../functions/core/ports.js';
import { type RedriveReport, redriveDeadLetters } from '../functions/core/redrive.js';
import { DLQ_ENV_HELP } from './dlq-help.js';

/** `dlq redrive`: talks to SQS and DynamoDB directly (an operator's command, not an API call). */
export async function redrive(env: Env, options: { limit?: number; onProgress?: (done: number, total: number) => void }): Promise<RedriveReport> {
  let settings: Settings<typeof LOCAL_ENVIRONMENTS.dlq>;
  try {
    settings = readEnvironment(LOCAL_ENVIRONMENTS.dlq, env);
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n${DLQ_ENV_HELP}`, { cause: error });
  }
  const aws = awsSettingsFromEnv(env);
  const dlq = new SqsDeadLetters(sqsClient(aws), settings.DLQ_URL, settings.QUEUE_URL);
  const messages = new DynamoDbMessageStore(dynamoClient(aws), settings.MESSAGES_TABLE);
  return redriveDeadLetters({ dlq, messages, clock: systemClock }, options);
}
