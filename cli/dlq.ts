import { awsSettingsFromEnv, dynamoClient, sqsClient } from '../functions/adapters/aws-clients.js';
import { DynamoDbScheduleStore } from '../functions/adapters/dynamodb-schedule-store.js';
import { ConfigError, type Env, required } from '../functions/adapters/env.js';
import { SqsDeadLetters } from '../functions/adapters/sqs-dead-letters.js';
import { systemClock } from '../functions/core/ports.js';
import { type RedriveReport, redriveDeadLetters } from '../functions/core/redrive.js';
import { DLQ_ENV_HELP } from './dlq-help.js';

/** `dlq redrive`: talks to SQS and DynamoDB directly (an operator's command, not an API call). */
export async function redrive(env: Env, options: { limit?: number; onProgress?: (done: number, total: number) => void }): Promise<RedriveReport> {
  let queueUrl: string, dlqUrl: string, table: string;
  try {
    queueUrl = required(env, 'QUEUE_URL');
    dlqUrl = required(env, 'DLQ_URL');
    table = required(env, 'MESSAGES_TABLE');
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n${DLQ_ENV_HELP}`);
  }
  const aws = awsSettingsFromEnv(env);
  const dlq = new SqsDeadLetters(sqsClient(aws), dlqUrl, queueUrl);
  const control = new DynamoDbScheduleStore(dynamoClient(aws), table);
  return redriveDeadLetters({ dlq, control, clock: systemClock }, options);
}
