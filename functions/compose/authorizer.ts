import { DynamoDbApiKeyStore } from '../adapters/dynamodb-api-key-store.js';
import { createAuthorizerHandler } from '../authorizer/token-authorizer.js';
import type { Log } from '../core/log.js';
import { type AwsSettings, awsSettingsFromEnv, dynamoClient } from './clients.js';
import { type Env, readSettings } from './environment.js';
import type { Runtime } from './runtime.js';

/** The API-key authorizer over the apiKeys table; the local runner builds it from its own settings. */
export function authorizerHandler(env: Env, aws: AwsSettings, log: Log) {
  return createAuthorizerHandler(new DynamoDbApiKeyStore(dynamoClient(aws), readSettings('authorizer', env).API_KEYS_TABLE), log);
}

/** REQUEST authorizer of the API-key front door. */
export function composeAuthorizer(env: Env, runtime: Runtime) {
  return authorizerHandler(env, awsSettingsFromEnv(env, runtime.instrument), runtime.log);
}
