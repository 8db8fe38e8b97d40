import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyRecord } from './records.js';

/**
 * API keys for callers outside AWS: `ph_<keyId>_<secret>`. The key id is public (it names
 * the key in logs and in the table); the secret is 32 random bytes, shown once at creation
 * and stored only as a SHA-256 hash. A slow password hash buys nothing here: the secret
 * has 256 bits of entropy, so the hash cannot be reversed by guessing.
 */
export const API_KEY_PREFIX = 'ph';
const KEY_ID = /^[a-z0-9]{16}$/;
const FORMAT = /^ph_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

export interface ParsedApiKey {
  keyId: string;
  secret: string;
}

export const isKeyId = (value: string): boolean => KEY_ID.test(value);

export function formatApiKey({ keyId, secret }: ParsedApiKey): string {
  return `${API_KEY_PREFIX}_${keyId}_${secret}`;
}

/** The key in an `Authorization` header (`Bearer ph_…`, or the bare key), if it has the right shape. */
export function parseApiKey(header: string | undefined): ParsedApiKey | undefined {
  if (!header) return undefined;
  const token = header.trim().replace(/^Bearer\s+/i, '');
  const match = FORMAT.exec(token);
  return match ? { keyId: match[1]!, secret: match[2]! } : undefined;
}

export function hashSecret(keyId: string, secret: string): string {
  return createHash('sha256').update(`${keyId}:${secret}`).digest('hex');
}

/** Constant-time comparison of the presented secret's hash with the stored one. */
export function secretMatches(record: Pick<ApiKeyRecord, 'keyId' | 'secretHash'>, secret: string): boolean {
  const presented = Buffer.from(hashSecret(record.keyId, secret), 'hex');
  const stored = Buffer.from(record.secretHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

export type Random = (bytes: number) => Buffer;

/** A fresh key: a 16-character id of lowercase letters and digits (public, so a slight bias is harmless) and a 32-byte secret. */
export function generateApiKey(random: Random = randomBytes): ParsedApiKey {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const idBytes = random(16);
  const keyId = [...idBytes].map((b) => alphabet[b % alphabet.length]).join('');
  const secret = random(32).toString('base64url');
  return { keyId, secret };
}
