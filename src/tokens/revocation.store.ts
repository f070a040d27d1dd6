import { Injectable } from '@nestjs/common';
import { KeyValueStore } from '../redis/key-value.store';
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
 * denied, it was issued after the user's "revoked before" mark, and its session still exists
 * (so ending a session ends its access tokens at once, on every instance).
 */
@Injectable()
export class RevocationStore {
  constructor(private readonly store: KeyValueStore) {}

  async isRevoked(token: AccessTokenRef): Promise<boolean> {
    const [denied, revokedBefore, session] = await this.store.mget([
      tokenKeys.deniedJti(token.userId, token.jti),
      tokenKeys.revokedBefore(token.userId),
      tokenKeys.session(token.userId, token.sessionId),
    ]);
    if (denied !== null || session === null) return true;
    // Strictly earlier: a token issued in the same second as the mark (a login right after a
    // logout-all) stays valid. Tokens of that second from before the mark belong to sessions
    // that were ended with it, and the session check above refuses them.
    return revokedBefore !== null && token.iat < Number(revokedBefore);
  }

  /** Denies one token until it would have expired anyway. */
  async deny(token: AccessTokenRef, now = Date.now()): Promise<void> {
    const remainingMs = token.exp * 1000 - now;
    if (remainingMs > 0)
      await this.store.set(tokenKeys.deniedJti(token.userId, token.jti), '1', remainingMs);
  }

  /**
   * Every access token of the user issued up to now stops working. The mark lives as long as
   * the longest-lived access token could (plus clock tolerance), then it has nothing left to deny.
   */
  async revokeAllIssuedBefore(
    userId: string,
    accessTokenTtlSeconds: number,
    now = Date.now(),
  ): Promise<void> {
    const nowSeconds = Math.floor(now / 1000);
    await this.store.set(
      tokenKeys.revokedBefore(userId),
      String(nowSeconds),
      (accessTokenTtlSeconds + 60) * 1000,
    );
  }
}
