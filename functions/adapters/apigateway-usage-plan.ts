import { type APIGatewayClient, CreateApiKeyCommand, CreateUsagePlanKeyCommand, DeleteApiKeyCommand, UpdateApiKeyCommand } from '@aws-sdk/client-api-gateway';
import type { UsagePlanRegistry } from '../core/ports.js';

/**
 * Per-key throttling: each Posthaste key gets an API Gateway API key in the stack's usage
 * plan. Callers never see or send it — the authorizer returns it as the usage identifier —
 * so it is a meter, not a credential.
 */
export class ApiGatewayUsagePlan implements UsagePlanRegistry {
  constructor(
    private readonly client: APIGatewayClient,
    private readonly usagePlanId: string,
  ) {}

  async register(keyId: string, name: string): Promise<{ usageKey: string; usageKeyId: string }> {
    const key = await this.client.send(new CreateApiKeyCommand({ name: `posthaste-${keyId}`, description: name, enabled: true, generateDistinctId: true }));
    if (!key.id || !key.value) throw new Error('API Gateway created an API key without an id or value');
    try {
      await this.client.send(new CreateUsagePlanKeyCommand({ usagePlanId: this.usagePlanId, keyId: key.id, keyType: 'API_KEY' }));
    } catch (error) {
      // Leave nothing half-made: a key outside the plan would only confuse the next listing.
      const leftover = await this.client.send(new DeleteApiKeyCommand({ apiKey: key.id })).then(
        () => undefined,
        (deleteError: unknown) => deleteError,
      );
      if (leftover === undefined) throw error;
      const why = leftover instanceof Error ? leftover.message : String(leftover);
      throw new Error(`could not add API key ${key.id} to the usage plan, nor delete it again (${why}); delete it by hand`, { cause: error });
    }
    return { usageKey: key.value, usageKeyId: key.id };
  }

  async disable(usageKeyId: string): Promise<void> {
    await this.client.send(new UpdateApiKeyCommand({ apiKey: usageKeyId, patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }] }));
  }
}
