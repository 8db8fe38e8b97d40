import { DynamoDbScheduleStore } from '../functions/adapters/dynamodb-schedule-store.js';
import { SqsDeadLetters } from '../functions/adapters/sqs-dead-letters.js';
import { awsSettingsFromEnv, dynamoClient, sqsClient } from '../functions/compose/clients.js';
import { ConfigError, type Env } from '../functions/compose/env.js';
import { LOCAL_ENVIRONMENTS, readEnvironment, type Settings } from '../functions/compose/environment.js';
import { systemClock } from '../functions/core/ports.js';
import { type RedriveReport, redriveDeadLetters } from '../functions/core/redrive.js';

export const DLQ_ENV_HELP = `Environment (stack outputs): QUEUE_URL, DLQ_URL, MESSAGES_TABLE, AWS_REGION and the
usual AWS credentials. Locally also POSTHASTE_SQS_ENDPOINT and POSTHASTE_DYNAMODB_ENDPOINT.`;

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
  const control = new DynamoDbScheduleStore(dynamoClient(aws), settings.MESSAGES_TABLE);
  return redriveDeadLetters({ dlq, control, clock: systemClock }, options);
}
