import { IdempotencyAlreadyInProgressError, IdempotencyConfig, IdempotencyValidationError, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PosthasteError } from '../core/errors.js';
import type { IdempotencyGuard } from '../core/ports.js';

/**
 * Idempotency-Key support on Powertools: the first response is stored for 24 h and
 * replayed; the same key with another body fails payload validation (409); a request
 * still running under the same key is "in progress" (409, retry later).
 */
export function powertoolsIdempotency(client: DynamoDBClient, tableName: string, ttlSeconds = 24 * 3600): IdempotencyGuard {
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: 'fingerprint',
    expiresAfterSeconds: ttlSeconds,
  });
  // Wrapped once: the key and body are the hashed first argument; the work rides along as the second.
  const once = makeIdempotent(async (_input: { key: string; fingerprint: unknown }, work: () => Promise<object>) => work(), {
    persistenceStore,
    config,
    keyPrefix: 'posthaste',
  });
  return {
    useInvocation(context) {
      config.registerLambdaContext(context as Parameters<IdempotencyConfig['registerLambdaContext']>[0]);
    },
    async run<T extends object>(key: string, fingerprint: unknown, work: () => Promise<T>): Promise<T> {
      try {
        return (await once({ key, fingerprint }, work)) as T;
      } catch (error) {
        if (error instanceof IdempotencyValidationError) throw new PosthasteError('idempotency_key_conflict');
        if (error instanceof IdempotencyAlreadyInProgressError) throw new PosthasteError('idempotency_key_in_use');
        throw error;
      }
    },
  };
}
