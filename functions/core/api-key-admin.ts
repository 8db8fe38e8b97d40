import { formatApiKey, generateApiKey, hashSecret, isKeyId, parseApiKey, type Random, secretMatches } from './api-key.js';
import type { ApiKeyStore, Clock, UsagePlanRegistry } from './ports.js';
import type { ApiKeyRecord } from './records.js';

export interface KeyAdminDeps {
  store: ApiKeyStore;
  usagePlan?: UsagePlanRegistry;
  clock: Clock;
  random?: Random;
}

export class KeyAdminError extends Error {
  override name = 'KeyAdminError';
}

const NAME = /^[\w .:@/-]{1,100}$/;

/** Creates a key and returns it in full: the only time the secret exists outside the caller's hands. */
export async function createApiKey(deps: KeyAdminDeps, name: string): Promise<{ apiKey: string; record: ApiKeyRecord }> {
  if (!NAME.test(name)) throw new KeyAdminError('name must be 1-100 letters, digits, spaces or . _ : @ / -');
  const key = generateApiKey(deps.random);
  const record: ApiKeyRecord = {
    keyId: key.keyId,
    name,
    secretHash: hashSecret(key.keyId, key.secret),
    hashAlgorithm: 'sha256',
    createdAt: deps.clock.now().toISOString(),
  };
  // Registered with the usage plan first: a stored key that API Gateway does not know would be refused on every call.
  if (deps.usagePlan) Object.assign(record, await deps.usagePlan.register(key.keyId, name));
  await deps.store.create(record);
  return { apiKey: formatApiKey(key), record };
}

export type KeySummary = Pick<ApiKeyRecord, 'keyId' | 'name' | 'createdAt' | 'revokedAt'> & { status: 'active' | 'revoked' };

export async function listApiKeys(deps: Pick<KeyAdminDeps, 'store'>): Promise<KeySummary[]> {
  const records = await deps.store.list();
  return records
    .map(({ keyId, name, createdAt, revokedAt }) => ({
      keyId,
      name,
      createdAt,
      ...(revokedAt ? { revokedAt } : {}),
      status: revokedAt ? ('revoked' as const) : ('active' as const),
    }))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Revokes by key id (or by the full key, whose id is read from it). */
export async function revokeApiKey(deps: KeyAdminDeps, keyIdOrKey: string): Promise<KeySummary> {
  const keyId = parseApiKey(keyIdOrKey)?.keyId ?? keyIdOrKey;
  if (!isKeyId(keyId)) throw new KeyAdminError(`${keyIdOrKey} is not a key id (16 lowercase letters and digits)`);
  const revokedAt = deps.clock.now().toISOString();
  if (!(await deps.store.revoke(keyId, revokedAt))) throw new KeyAdminError(`no key with id ${keyId}`);
  const record = (await deps.store.get(keyId))!;
  if (deps.usagePlan && record.usageKeyId) await deps.usagePlan.disable(record.usageKeyId);
  return { keyId, name: record.name, createdAt: record.createdAt, revokedAt: record.revokedAt ?? revokedAt, status: 'revoked' };
}

export type KeyCheck = { ok: true; record: ApiKeyRecord } | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' | 'mismatch' };

/** The authorizer's decision for an `Authorization` header. */
export async function checkApiKey(store: Pick<ApiKeyStore, 'get'>, header: string | undefined): Promise<KeyCheck> {
  const presented = parseApiKey(header);
  if (!presented) return { ok: false, reason: 'malformed' };
  const record = await store.get(presented.keyId);
  if (!record) return { ok: false, reason: 'unknown' };
  if (!secretMatches(record, presented.secret)) return { ok: false, reason: 'mismatch' };
  if (record.revokedAt) return { ok: false, reason: 'revoked' };
  return { ok: true, record };
}
