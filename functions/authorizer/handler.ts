import { awsSettingsFromEnv, dynamoClient } from '../adapters/aws-clients.js';
import { DynamoDbApiKeyStore } from '../adapters/dynamodb-api-key-store.js';
import { required } from '../adapters/env.js';
import { powertoolsLog } from '../adapters/logger.js';
import { createAuthorizerHandler } from './app.js';

const { log } = powertoolsLog('posthaste-authorizer');
const store = new DynamoDbApiKeyStore(dynamoClient(awsSettingsFromEnv(process.env)), required(process.env, 'API_KEYS_TABLE'));

export const handler = createAuthorizerHandler(store, log);
