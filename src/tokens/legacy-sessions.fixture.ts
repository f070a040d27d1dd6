import { createHash } from 'node:crypto';
import type { AtomicScript, KeyValueStore } from '../state/key-value.store';
import { newSessionId, type RefreshTokenCodec } from './refresh-token';
import { tokenKeys } from './token-keys';

/** KEYS: legacy session, legacy index. ARGV: JSON, ttl ms, sid. What the earlier layout wrote. */
const writeLegacySession: AtomicScript<void> = {
  name: 'test-write-legacy-session',
  lua: `
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
    redis.call('SADD', KEYS[2], ARGV[3])
    if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end`,
  memory: (store, [session, index], [json, ttl, sid]) => {
    store.set(session, json, Number(ttl));
    store.sadd(index, sid);
    if (store.pttl(index) < Number(ttl)) store.pexpire(index, Number(ttl));
  },
  fromRedis: () => undefined,
};

export interface LegacySession {
  userId: string;
  sessionId: string;
  /** The refresh token the earlier version handed out for it. */
  token: string;
}

/**
 * A session exactly as the version before the session map stored it: a JSON key with the
 * whole base64url SHA-256 of its token, in the user's index set.
 */
export async function writeLegacy(
  store: KeyValueStore,
  codec: RefreshTokenCodec,
  userId: string,
  options: { now: number; ttlMs: number; gen?: number; userAgent?: string; ip?: string },
): Promise<LegacySession> {
  const { token, sessionId } = codec.mint(userId, newSessionId());
  const json = JSON.stringify({
    uid: userId,
    ...(options.gen === undefined ? {} : { gen: options.gen }),
    cur: createHash('sha256').update(token).digest('base64url'),
    prev: null,
    rotatedAt: null,
    createdAt: options.now,
    lastUsedAt: options.now,
    exp: options.now + options.ttlMs,
    ua: options.userAgent ?? 'legacy-agent',
    ip: options.ip ?? '198.51.100.7',
  });
  await store.run(
    writeLegacySession,
    [tokenKeys.legacySession(userId, sessionId), tokenKeys.legacySessionIndex(userId)],
    [json, options.ttlMs, sessionId],
  );
  return { userId, sessionId, token };
}
