import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { SecurityErrorCode, SecurityException } from './security.exception';

/**
 * API keys: `msk_live_` + 43 base62 characters encoding 32 random bytes.
 *
 * - Entropy: 256 bits from the CSPRNG (base62 of a fixed-width 256-bit number is a bijection,
 *   so nothing is lost). The 16-character prefix, stored in clear and shown in listings, reveals
 *   the first 7 base62 digits (about 41 bits), leaving more than 210 secret bits.
 * - Storage: only `sha256(key)` hex. A plain hash (no salt, no slow KDF) is right here because
 *   the input is 256 random bits, not a human password: there is nothing to brute-force.
 * - The full key is shown to its owner once, at creation, and never logged or returned again.
 */
export const API_KEY_PREFIX = 'msk_live_';
export const API_KEY_RANDOM_BYTES = 32;
export const API_KEY_BODY_LENGTH = 43;
export const API_KEY_LENGTH = API_KEY_PREFIX.length + API_KEY_BODY_LENGTH;
/** Characters of the key kept in clear to find and display it (`msk_live_` + 7). */
export const API_KEY_DISPLAY_PREFIX_LENGTH = 16;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const API_KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${API_KEY_BODY_LENGTH}}$`);
const MAX_BODY_VALUE = 1n << BigInt(API_KEY_RANDOM_BYTES * 8);

export const API_KEY_SCOPES = ['query', 'admin'] as const;
export const ApiKeyScopeSchema = z.enum(API_KEY_SCOPES);
export type ApiKeyScope = z.infer<typeof ApiKeyScopeSchema>;
export const ApiKeyScopesSchema = z.array(ApiKeyScopeSchema).min(1).transform((scopes) => [...new Set(scopes)]);

export interface GeneratedApiKey {
  /** The secret: hand it to the user once, store only `hash` and `prefix`. */
  key: string;
  /** First 16 characters, e.g. `msk_live_4fT9xQ2`: safe to store, index and display. */
  prefix: string;
  /** sha256 hex of the full key: what is stored and looked up. */
  hash: string;
}

/** Fixed-width base62 of a 256-bit number, most significant digit first. */
function toBase62(bytes: Buffer): string {
  let value = BigInt(`0x${bytes.toString('hex')}`);
  const digits: string[] = [];
  for (let i = 0; i < API_KEY_BODY_LENGTH; i++) {
    digits.push(BASE62[Number(value % 62n)]);
    value /= 62n;
  }
  return digits.reverse().join('');
}

function fromBase62(body: string): bigint {
  let value = 0n;
  for (const ch of body) value = value * 62n + BigInt(BASE62.indexOf(ch));
  return value;
}

/** A new key from 32 CSPRNG bytes. */
export function generateApiKey(): GeneratedApiKey {
  const key = API_KEY_PREFIX + toBase62(randomBytes(API_KEY_RANDOM_BYTES));
  return { key, prefix: key.slice(0, API_KEY_DISPLAY_PREFIX_LENGTH), hash: hashApiKey(key) };
}

/** sha256 hex of the full key, as stored. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export interface ParsedApiKey {
  prefix: string;
  hash: string;
}

/**
 * Checks that `candidate` could be one of our keys (prefix, length, alphabet, and a body that
 * fits in 256 bits) before any database lookup. Throws `ApiKeyMalformed`; the message never
 * repeats the candidate, which may be someone's real secret pasted in the wrong place.
 */
export function parseApiKey(candidate: string): ParsedApiKey {
  if (
    typeof candidate !== 'string' ||
    candidate.length !== API_KEY_LENGTH ||
    !API_KEY_PATTERN.test(candidate) ||
    fromBase62(candidate.slice(API_KEY_PREFIX.length)) >= MAX_BODY_VALUE
  ) {
    throw new SecurityException(SecurityErrorCode.ApiKeyMalformed, 'not a Mosaic API key');
  }
  return { prefix: candidate.slice(0, API_KEY_DISPLAY_PREFIX_LENGTH), hash: hashApiKey(candidate) };
}

/**
 * Compares two secrets (or hashes of secrets) in time independent of where they differ. Both are
 * hashed first so that neither their length nor a common prefix shows in the timing.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

/** True when `key` hashes to `storedHash` (found by prefix), compared in constant time. */
export function apiKeyMatchesHash(key: string, storedHash: string): boolean {
  return constantTimeEqual(hashApiKey(key), storedHash.toLowerCase());
}
