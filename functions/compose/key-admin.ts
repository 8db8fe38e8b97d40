import { ApiGatewayUsagePlan } from '../adapters/apigateway-usage-plan.js';
import { DynamoDbApiKeyStore } from '../adapters/dynamodb-api-key-store.js';
import type { KeyAdminDeps } from '../core/api-key-admin.js';
import { systemClock } from '../core/ports.js';
import { type AwsSettings, apiGatewayClient, dynamoClient } from './clients.js';

export interface KeyAdminSettings {
  table: string;
  /** The stack's usage plan (output UsagePlanId); without it keys are stored but not registered for throttling. */
  usagePlanId?: string;
}

/** The key tool's dependencies: the apiKeys table and, for a deployed stack, its usage plan. */
export async function keyAdminDeps(settings: KeyAdminSettings, aws: AwsSettings): Promise<KeyAdminDeps> {
  const deps: KeyAdminDeps = { store: new DynamoDbApiKeyStore(dynamoClient(aws), settings.table), clock: systemClock };
  if (settings.usagePlanId) deps.usagePlan = new ApiGatewayUsagePlan(await apiGatewayClient(aws), settings.usagePlanId);
  return deps;
}
