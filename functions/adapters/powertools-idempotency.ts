import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyPersistenceLayerError,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PosthasteError } from '../core/errors.js';
import type { IdempotencyGuard } from '../core/ports.js';

/**
 * Idempotency-Key support on Powertools: the first response is stored for 24 h and
 * replayed; the same key with another body fails payload validation (409); a request
 * still running under the same key is "in progress" (409, retry later).
 *
 * A retry must never send again, so the in-progress lock does not expire with the
 * invocation: once the work has started, nothing knows what it sent, and a request that
 * died half-way keeps its key busy (409 idempotency_key_in_use) until the key expires
 * rather than let a retry send a second time. Work that fails with an error (nothing was
 * sent) frees the key at once. When the work ran but its response could not be saved, the
 * caller still gets the response, and the key stays busy for the same reason.
 */
export function powertoolsIdempotency(client: DynamoDBClient, tableName: string, ttlSeconds = 24 * 3600): IdempotencyGuard {
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: 'fingerprint',
    expiresAfterSeconds: ttlSeconds,
  });
  // Powertools sets the in-progress lock to the time the registered invocation has left: the key's whole life.
  config.registerLambdaContext({ getRemainingTimeInMillis: () => ttlSeconds * 1000 } as Parameters<IdempotencyConfig['registerLambdaContext']>[0]);
  // Wrapped once: the key and body are the hashed first argument; the work rides along as the second.
  const once = makeIdempotent(async (_input: { key: string; fingerprint: unknown }, work: () => Promise<object>) => work(), {
    persistenceStore,
    config,
    keyPrefix: 'posthaste',
  });
  return {
    async run<T extends object>(key: string, fingerprint: unknown, work: () => Promise<T>, unsaved?: (error: unknown) => void): Promise<T> {
      let done: { result: T } | undefined;
      const tracked = async () => {
        const result = await work();
        done = { result };
        return result;
      };
      try {
        return (await once({ key, fingerprint }, tracked)) as T;
      } catch (error) {
        if (error instanceof IdempotencyValidationError) throw new PosthasteError('idempotency_key_conflict');
        if (error instanceof IdempotencyAlreadyInProgressError) throw new PosthasteError('idempotency_key_in_use');
        if (!(error instanceof IdempotencyPersistenceLayerError)) throw error;
        if (!done) throw new PosthasteError('service_unavailable', 'could not check the Idempotency-Key; nothing was sent, try again', [], { cause: error });
        // The work ran: answer what it did. One more try at saving; if that fails too, the lock keeps the key.
        await persistenceStore
          .saveSuccess(...([{ key, fingerprint }, done.result] as Parameters<typeof persistenceStore.saveSuccess>))
          .catch((retryError: unknown) => unsaved?.(retryError));
        return done.result;
      }
    },
  };
}
