import { Injectable } from '@nestjs/common';
import { KeyValueStore, type AtomicScript } from '../state/key-value.store';
import {
  decodeSession,
  isLive,
  LUA_MIGRATE_LEGACY,
  LUA_SESSION_RECORD,
  mapGet,
  migrateLegacy,
} from './session-record';
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
 * KEYS: the denied-jti key, the user's generation, their session map, the legacy session
 * index. ARGV: session id, now ms. Answers 1 when the token is revoked: its jti is denied, or
 * its session is not live (ended, expired, or of an earlier generation). Read-only but for the
 * legacy move every session script starts with (session-record.ts).
 */
export const accessTokenRevoked: AtomicScript<boolean> = {
  name: 'access-token-revoked',
  lua: `
    ${LUA_SESSION_RECORD}
    ${LUA_MIGRATE_LEGACY}
    migrate_legacy(KEYS[3], KEYS[4])
    if redis.call('EXISTS', KEYS[1]) == 1 then return 1 end
    local s = decode(map_get(redis.call('GET', KEYS[3]) or '', ARGV[1]))
    if live(s, tonumber(redis.call('GET', KEYS[2]) or '0'), tonumber(ARGV[2])) then return 0 end
    return 1`,
  memory: (store, [denied, generation, map, legacyIndex], [sid, nowText]) => {
    migrateLegacy(store, map, legacyIndex);
    if (store.get(denied) !== null) return true;
    const record = mapGet(store.get(map) ?? '', sid);
    const gen = Number(store.get(generation) ?? '0');
    return !(record !== null && isLive(decodeSession(record), gen, Number(nowText)));
  },
  fromRedis: (reply) => reply === 1,
};

/**
 * Revocation of access tokens, checked on every request in one round trip: the token's jti is
 * not denied, and its session is live in the user's current credential generation. Every
 * access token belongs to a session, so ending a session (logout, reuse, a device signed out)
 * or starting a new generation (password reset or change, disable, role removal, logout-all)
 * ends its access tokens at once, on every instance. The generation comparison refuses a session
 * that should not exist at all (one of an earlier generation), so no ordering of a sign-in and
 * a generation bump leaves a working token.
 */
@Injectable()
export class RevocationStore {
  constructor(private readonly store: KeyValueStore) {}

  isRevoked(token: AccessTokenRef, now = Date.now()): Promise<boolean> {
    return this.store.run(
      accessTokenRevoked,
      [
        tokenKeys.deniedJti(token.userId, token.jti),
        tokenKeys.generation(token.userId),
        tokenKeys.sessions(token.userId),
        tokenKeys.legacySessionIndex(token.userId),
      ],
      [token.sessionId, now],
    );
  }

  /** Denies one token until it would have expired anyway. */
  async deny(token: AccessTokenRef, now = Date.now()): Promise<void> {
    const remainingMs = token.exp * 1000 - now;
    if (remainingMs > 0)
      await this.store.set(tokenKeys.deniedJti(token.userId, token.jti), '1', remainingMs);
  }
}
