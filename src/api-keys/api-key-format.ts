import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Public, for lookup: 16 base62 characters (about 95 bits), so ids never collide in practice. */
export const KEY_ID_LENGTH = 16;
/** 43 base62 characters carry 256 bits (43 × log2 62 ≈ 256.03). */
export const SECRET_LENGTH = 43;
/** CRC32 in 6 base62 characters (62^6 > 2^32). */
const CHECKSUM_LENGTH = 6;
/** Longer input is refused before any parsing. */
export const MAX_API_KEY_LENGTH = 128;
/** The same rule as API_KEY_PREFIX, so keys issued under an earlier prefix still parse. */
const KEY_PATTERN = new RegExp(
  `^([a-z][a-z0-9]{1,15})_([0-9A-Za-z]{${KEY_ID_LENGTH}})_([0-9A-Za-z]{${SECRET_LENGTH}})([0-9A-Za-z]{${CHECKSUM_LENGTH}})$`,
);

export interface ApiKeyParts {
  prefix: string;
  keyId: string;
  secret: string;
}

/**
 * `<prefix>_<keyId>_<secret><checksum>`. The prefix lets secret scanners spot a leaked key; the
 * checksum lets the service refuse a mistyped or made-up key without a database lookup.
 */
export function generateApiKey(prefix: string): ApiKeyParts & { key: string } {
  const keyId = randomBase62(KEY_ID_LENGTH);
  const secret = randomBase62(SECRET_LENGTH);
  return { prefix, keyId, secret, key: formatApiKey(prefix, keyId, secret) };
}

/** The key text for its parts, checksum included. */
export function formatApiKey(prefix: string, keyId: string, secret: string): string {
  return `${prefix}_${keyId}_${secret}${checksum(prefix, keyId, secret)}`;
}

/** The parts of a well-formed key whose checksum is valid; else null (no lookup needed). */
export function parseApiKey(raw: string): ApiKeyParts | null {
  if (raw.length > MAX_API_KEY_LENGTH) return null;
  const match = KEY_PATTERN.exec(raw);
  if (match === null) return null;
  const [, prefix, keyId, secret, sum] = match;
  return sum === checksum(prefix, keyId, secret) ? { prefix, keyId, secret } : null;
}

/** What is stored: an HMAC-SHA-256 of the secret under the pepper, never the secret. */
export function hashApiKeySecret(secret: string, pepper: string): string {
  return createHmac('sha256', pepper).update(secret).digest('base64url');
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function apiKeySecretMatches(secret: string, storedHash: string, pepper: string): boolean {
  const presented = Buffer.from(hashApiKeySecret(secret, pepper));
  const stored = Buffer.from(storedHash);
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

function checksum(prefix: string, keyId: string, secret: string): string {
  let value = crc32(`${prefix}_${keyId}_${secret}`);
  let text = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i += 1) {
    text = BASE62[value % 62] + text;
    value = Math.floor(value / 62);
  }
  return text;
}

/** Uniform base62 characters: bytes of 248 and above are dropped, so `% 62` has no bias. */
function randomBase62(length: number): string {
  let text = '';
  while (text.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && text.length < length) text += BASE62[byte % 62];
    }
  }
  return text;
}
