import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { KeyAdminDeps } from '../core/api-key-admin.js';
import { systemClock } from '../core/ports.js';
import { ApiGatewayUsagePlan } from './apigateway-usage-plan.js';
import { type AwsSettings, clientConfig, dynamoClient } from './aws-clients.js';
import { DynamoDbApiKeyStore } from './dynamodb-api-key-store.js';
import type { Env } from './env.js';

export interface KeyAdminSettings {
  table: string;
  /** The stack's usage plan (output UsagePlanId); without it keys are stored but not registered for throttling. */
  usagePlanId?: string;
}

/** The key tool's dependencies: the apiKeys table and, for a deployed stack, its usage plan. */
export function keyAdminDeps(settings: KeyAdminSettings, env: Env, aws: AwsSettings): KeyAdminDeps {
  const deps: KeyAdminDeps = { store: new DynamoDbApiKeyStore(dynamoClient(aws), settings.table), clock: systemClock };
  if (settings.usagePlanId) {
    const client = new APIGatewayClient(clientConfig(aws, env.POSTHASTE_APIGATEWAY_ENDPOINT));
    deps.usagePlan = new ApiGatewayUsagePlan(client, settings.usagePlanId);
  }
  return deps;
}
