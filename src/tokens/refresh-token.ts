import { randomBytes } from 'node:crypto';
import { sha256 } from '../common/crypto/sha256';

const UUID_BYTES = 16;
const SESSION_ID_BYTES = 16;
const SECRET_BYTES = 32;
const TOKEN_BYTES = UUID_BYTES + SESSION_ID_BYTES + SECRET_BYTES;

/**
 * A refresh token: opaque to clients, 64 random-looking bytes in base64url. Inside: the user id
 * and session id (so the store finds the session without an index of tokens) and a 256-bit
 * secret. Only a SHA-256 of the whole token is stored; a fast hash is right here because the
 * token itself has 256 bits of entropy.
 */
export interface RefreshTokenParts {
  userId: string;
  sessionId: string;
  token: string;
}

export function newSessionId(): string {
  return randomBytes(SESSION_ID_BYTES).toString('base64url');
}

export function mintRefreshToken(userId: string, sessionId: string): RefreshTokenParts {
  const bytes = Buffer.concat([
    Buffer.from(userId.replace(/-/g, ''), 'hex'),
    Buffer.from(sessionId, 'base64url'),
    randomBytes(SECRET_BYTES),
  ]);
  return { userId, sessionId, token: bytes.toString('base64url') };
}

/** The user and session a token names, or null for anything that is not one of ours. */
export function parseRefreshToken(token: string): RefreshTokenParts | null {
  if (!/^[A-Za-z0-9_-]{86}$/.test(token)) return null;
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length !== TOKEN_BYTES) return null;
  const hex = bytes.subarray(0, UUID_BYTES).toString('hex');
  const userId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const sessionId = bytes.subarray(UUID_BYTES, UUID_BYTES + SESSION_ID_BYTES).toString('base64url');
  return { userId, sessionId, token };
}

export function hashRefreshToken(token: string): string {
  return sha256(token);
}

export function isSessionId(value: string): boolean {
  return /^[A-Za-z0-9_-]{22}$/.test(value);
}
