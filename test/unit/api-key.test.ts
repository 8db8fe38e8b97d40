import { describe, expect, it } from 'vitest';
import { formatApiKey, generateApiKey, hashSecret, parseApiKey, secretMatches } from '../../functions/core/api-key.js';
import { checkApiKey, createApiKey, KeyAdminError, revokeApiKey } from '../../functions/core/api-key-admin.js';
import type { ApiKeyStore } from '../../functions/core/ports.js';
import type { ApiKeyRecord } from '../../functions/core/records.js';

describe('API key format', () => {
  it('a generated key reads back as the same id and secret', () => {
    const key = generateApiKey();
    expect(parseApiKey(formatApiKey(key))).toEqual(key);
    expect(formatApiKey(key)).toMatch(/^ph_[a-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
  });

  it('accepts the key bare or as a Bearer token, in any case of "Bearer"', () => {
    const key = formatApiKey(generateApiKey());
    expect(parseApiKey(`Bearer ${key}`)).toBeDefined();
    expect(parseApiKey(`bearer  ${key}`)).toBeDefined();
    expect(parseApiKey(key)).toBeDefined();
  });

  it.each([
    undefined,
    '',
    'Bearer',
    'Bearer ph_',
    'ph_short_secret',
    `pk_${'a'.repeat(16)}_${'b'.repeat(43)}`,
    `ph_${'A'.repeat(16)}_${'b'.repeat(43)}`,
    `ph_${'a'.repeat(16)}_${'b'.repeat(42)}`,
    `ph_${'a'.repeat(16)}_${'b'.repeat(43)}x`,
    `Basic ph_${'a'.repeat(16)}_${'b'.repeat(43)}`,
  ])('refuses %s', (header) => {
    expect(parseApiKey(header)).toBeUndefined();
  });

  it('keys are unique', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => generateApiKey().keyId));
    expect(ids.size).toBe(2000);
  });
});

describe('secret hashing', () => {
  const key = generateApiKey();
  const record = { keyId: key.keyId, secretHash: hashSecret(key.keyId, key.secret) };

  it('the stored hash does not contain the secret', () => {
    expect(record.secretHash).not.toContain(key.secret);
    expect(record.secretHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('matches the right secret only', () => {
    expect(secretMatches(record, key.secret)).toBe(true);
    expect(secretMatches(record, `${key.secret.slice(0, -1)}${key.secret.endsWith('A') ? 'B' : 'A'}`)).toBe(false);
  });

  it('the same secret under another key id hashes differently', () => {
    expect(hashSecret('aaaaaaaaaaaaaaaa', key.secret)).not.toBe(hashSecret('bbbbbbbbbbbbbbbb', key.secret));
  });

  it('a damaged stored hash (wrong length) never matches and never throws', () => {
    expect(secretMatches({ ...record, secretHash: 'abcd' }, key.secret)).toBe(false);
  });
});

/** Pure logic: an in-memory store stands in for the table (the DynamoDB store is tested on dynalite). */
function memoryStore(): ApiKeyStore & { items: Map<string, ApiKeyRecord> } {
  const items = new Map<string, ApiKeyRecord>();
  return {
    items,
    get: async (id) => items.get(id),
    create: async (r) => void items.set(r.keyId, r),
    list: async () => [...items.values()],
    revoke: async (id, at) => {
      const r = items.get(id);
      if (!r) return false;
      r.revokedAt ??= at;
      return true;
    },
  };
}

describe('authorizer decision', () => {
  const clock = { now: () => new Date('2026-01-02T03:04:05Z') };

  it('accepts a live key and names its record', async () => {
    const store = memoryStore();
    const { apiKey, record } = await createApiKey({ store, clock }, 'billing');
    expect(await checkApiKey(store, `Bearer ${apiKey}`)).toEqual({ ok: true, record });
  });

  it('refuses a malformed key', async () => {
    expect(await checkApiKey(memoryStore(), 'Bearer nonsense')).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses an unknown key', async () => {
    expect(await checkApiKey(memoryStore(), formatApiKey(generateApiKey()))).toEqual({ ok: false, reason: 'unknown' });
  });

  it('refuses a known id with the wrong secret', async () => {
    const store = memoryStore();
    const { record } = await createApiKey({ store, clock }, 'billing');
    expect(await checkApiKey(store, formatApiKey({ keyId: record.keyId, secret: generateApiKey().secret }))).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses a revoked key', async () => {
    const store = memoryStore();
    const { apiKey, record } = await createApiKey({ store, clock }, 'billing');
    await revokeApiKey({ store, clock }, record.keyId);
    expect(await checkApiKey(store, apiKey)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('a name with control characters is refused', async () => {
    await expect(createApiKey({ store: memoryStore(), clock }, 'bad\nname')).rejects.toBeInstanceOf(KeyAdminError);
  });

  it('revoking an unknown key says so', async () => {
    await expect(revokeApiKey({ store: memoryStore(), clock }, 'aaaaaaaaaaaaaaaa')).rejects.toThrow('no key with id aaaaaaaaaaaaaaaa');
  });
});
