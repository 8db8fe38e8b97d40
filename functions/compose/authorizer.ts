import { DynamoDbApiKeyStore } from '../adapters/dynamodb-api-key-store.js';
import { createAuthorizerHandler } from '../authorizer/token-authorizer.js';
import { type AwsSettings, awsSettingsFromEnv, dynamoClient } from './clients.js';
import type { Env } from './env.js';
import { FUNCTION_ENVIRONMENTS, readEnvironment } from './environment.js';
import type { Telemetry } from './observability.js';

/** The key records the authorizer looks up. */
export function apiKeyStore(env: Env, aws: AwsSettings): DynamoDbApiKeyStore {
  return new DynamoDbApiKeyStore(dynamoClient(aws), readEnvironment(FUNCTION_ENVIRONMENTS.authorizer, env).API_KEYS_TABLE);
}

/** The authorizer function as its handler runs it. */
export function composeAuthorizer(env: Env, telemetry: Telemetry) {
  return createAuthorizerHandler(apiKeyStore(env, awsSettingsFromEnv(env)), telemetry.log, telemetry.metrics);
}
