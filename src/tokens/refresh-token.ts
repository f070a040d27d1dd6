import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { ServerSecret } from '../common/crypto/server-secret';
import { sha256 } from '../common/crypto/sha256';

const UUID_BYTES = 16;
const SESSION_ID_BYTES = 16;
const SECRET_BYTES = 32;
const BODY_BYTES = UUID_BYTES + SESSION_ID_BYTES + SECRET_BYTES;
/** 128 bits: a MAC is checked online only, so this is far beyond any number of guesses. */
const MAC_BYTES = 16;
const TOKEN_BYTES = BODY_BYTES + MAC_BYTES;
/** base64url without padding of TOKEN_BYTES bytes. */
const TOKEN_LENGTH = Math.ceil((TOKEN_BYTES * 4) / 3);
/** The ServerSecret purpose of the MAC: a MAC made for another purpose is worthless here. */
export const REFRESH_TOKEN_MAC_PURPOSE = 'refresh-token';

/**
 * A refresh token: opaque to clients, 80 random-looking bytes in base64url. Inside: the user id
 * and session id (so the store finds the session without an index of tokens), a 256-bit secret,
 * and a MAC of those three under the server secret. Access tokens show the user and session ids
 * to anyone who sees one; the MAC is what makes a token the service never issued worthless, so
 * it is checked before the store is touched. Only a SHA-256 of the whole token is stored (hashRefreshToken); a
 * fast hash is right here because the token itself has 256 bits of entropy.
 */
export interface RefreshTokenParts {
  userId: string;
  sessionId: string;
  token: string;
}

export function newSessionId(): string {
  return randomBytes(SESSION_ID_BYTES).toString('base64url');
}

/**
 * What the store keeps of a refresh token: the first 22 characters (132 bits) of its base64url
 * SHA-256. Presented tokens are compared by this hash alone, and only after their MAC held, so
 * 132 bits leave nothing to find by search; a shorter record is a smaller session.
 */
export function hashRefreshToken(token: string): string {
  return sha256(token).slice(0, 22);
}

export function isSessionId(value: string): boolean {
  return /^[A-Za-z0-9_-]{22}$/.test(value);
}

/** Mints refresh tokens and recognises the ones this deployment minted. */
@Injectable()
export class RefreshTokenCodec {
  constructor(private readonly secret: ServerSecret) {}

  mint(userId: string, sessionId: string): RefreshTokenParts {
    const body = Buffer.concat([
      Buffer.from(userId.replace(/-/g, ''), 'hex'),
      Buffer.from(sessionId, 'base64url'),
      randomBytes(SECRET_BYTES),
    ]);
    const mac = this.secret.mac(REFRESH_TOKEN_MAC_PURPOSE, body).subarray(0, MAC_BYTES);
    return { userId, sessionId, token: Buffer.concat([body, mac]).toString('base64url') };
  }

  /**
   * The user and session a token names, or null for anything this service did not mint: wrong
   * shape, a non-canonical encoding (another spelling of the same bytes), or a wrong MAC.
   * Needs no store access, so a forged token never reaches a session.
   */
  parse(token: string): RefreshTokenParts | null {
    if (token.length !== TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
    const bytes = Buffer.from(token, 'base64url');
    if (bytes.length !== TOKEN_BYTES || bytes.toString('base64url') !== token) return null;
    const body = bytes.subarray(0, BODY_BYTES);
    if (!this.secret.verify(REFRESH_TOKEN_MAC_PURPOSE, body, bytes.subarray(BODY_BYTES)))
      return null;
    const hex = bytes.subarray(0, UUID_BYTES).toString('hex');
    const userId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    const sessionId = bytes
      .subarray(UUID_BYTES, UUID_BYTES + SESSION_ID_BYTES)
      .toString('base64url');
    return { userId, sessionId, token };
  }
}
