import { Injectable } from '@nestjs/common';
import { KeyValueStore } from '../state/key-value.store';
import type { StoredSession } from './refresh-session.scripts';
import { tokenKeys } from './token-keys';

export interface AccessTokenRef {
  userId: string;
  sessionId: string;
  jti: string;
  /** Seconds since the epoch, as in the token. */
  iat: number;
  exp: number;
}

/**
 * Revocation of access tokens, checked on every request in one MGET: the token's jti is not
 * denied, and its session still exists in the user's current credential generation. Every
 * access token belongs to a session, so ending a session (logout, reuse, a device signed out)
 * or starting a new generation (password reset or change, disable, role removal, logout-all)
 * ends its access tokens at once, on every instance. The generation comparison refuses a session
 * that should not exist at all (one of an earlier generation), so no ordering of a sign-in and
 * a generation bump leaves a working token.
 */
@Injectable()
export class RevocationStore {
  constructor(private readonly store: KeyValueStore) {}

  async isRevoked(token: AccessTokenRef): Promise<boolean> {
    const [denied, generation, session] = await this.store.mget([
      tokenKeys.deniedJti(token.userId, token.jti),
      tokenKeys.generation(token.userId),
      tokenKeys.session(token.userId, token.sessionId),
    ]);
    if (denied !== null || session === null) return true;
    return sessionGeneration(session) !== Number(generation ?? '0');
  }

  /** Denies one token until it would have expired anyway. */
  async deny(token: AccessTokenRef, now = Date.now()): Promise<void> {
    const remainingMs = token.exp * 1000 - now;
    if (remainingMs > 0)
      await this.store.set(tokenKeys.deniedJti(token.userId, token.jti), '1', remainingMs);
  }
}

/** The generation a stored session belongs to; NaN (never current) for an unreadable record. */
function sessionGeneration(json: string): number {
  try {
    return (JSON.parse(json) as StoredSession).gen ?? 0;
  } catch {
    return Number.NaN;
  }
}
