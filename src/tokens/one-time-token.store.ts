import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { KeyValueStore, type AtomicScript } from '../state/key-value.store';
import { sha256 } from '../common/crypto/sha256';

/** What a single-use token is for; each purpose has its own key space. */
export type TokenPurpose = 'password-reset' | 'email-verify';

/**
 * KEYS: the user's pointer, the new token's key, the token key prefix (a prefix, never a key of
 * its own: passing it as a key gives it the deployment's key prefix). ARGV: user id, new hash,
 * ttl ms. Stores the new token and drops the user's previous one: only the newest works.
 */
const issueToken: AtomicScript<void> = {
  name: 'one-time-token-issue',
  lua: `
    local previous = redis.call('GET', KEYS[1])
    if previous then redis.call('DEL', KEYS[3] .. previous) end
    redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
    redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])`,
  memory: (store, [pointer, tokenKey, tokenPrefix], [userId, hash, ttl]) => {
    const previous = store.get(pointer);
    if (previous !== null) store.del(tokenPrefix + previous);
    store.set(tokenKey, userId, Number(ttl));
    store.set(pointer, hash, Number(ttl));
  },
  fromRedis: () => undefined,
};

/**
 * KEYS: the token's key, the user pointer prefix. ARGV: the token's hash. Takes the token
 * (it works once) and clears the user's pointer when it still names this token. Answers the user
 * id, or null for an unknown, used, superseded or expired token.
 */
const consumeToken: AtomicScript<string | null> = {
  name: 'one-time-token-consume',
  lua: `
    local userId = redis.call('GET', KEYS[1])
    if not userId then return false end
    redis.call('DEL', KEYS[1])
    local pointer = KEYS[2] .. userId
    if redis.call('GET', pointer) == ARGV[1] then redis.call('DEL', pointer) end
    return userId`,
  memory: (store, [tokenKey, pointerPrefix], [hash]) => {
    const userId = store.get(tokenKey);
    if (userId === null) return null;
    store.del(tokenKey);
    const pointer = pointerPrefix + userId;
    if (store.get(pointer) === hash) store.del(pointer);
    return userId;
  },
  fromRedis: (reply) => (typeof reply === 'string' ? reply : null),
};

/**
 * KEYS: the user's pointer, the token key prefix. Drops the user's live token, if any (answers
 * whether there was one).
 */
const revokeToken: AtomicScript<boolean> = {
  name: 'one-time-token-revoke',
  lua: `
    local hash = redis.call('GET', KEYS[1])
    if not hash then return 0 end
    redis.call('DEL', KEYS[2] .. hash)
    redis.call('DEL', KEYS[1])
    return 1`,
  memory: (store, [pointer, tokenPrefix]) => {
    const hash = store.get(pointer);
    if (hash === null) return false;
    store.del(tokenPrefix + hash);
    store.del(pointer);
    return true;
  },
  fromRedis: (reply) => reply === 1,
};

/**
 * Single-use tokens for password reset and email verification: 256 random bits, stored only as a
 * SHA-256 hash with a TTL, one live token per user and purpose (a newer one replaces the older),
 * taken atomically so that concurrent uses of one token succeed exactly once.
 */
@Injectable()
export class OneTimeTokenStore {
  constructor(private readonly store: KeyValueStore) {}

  async issue(purpose: TokenPurpose, userId: string, ttlSeconds: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const hash = sha256(token);
    await this.store.run(
      issueToken,
      [pointerKey(purpose, userId), tokenKey(purpose, hash), tokenKey(purpose, '')],
      [userId, hash, ttlSeconds * 1000],
    );
    return token;
  }

  /** The user id the token was issued for, without using it up; null when it is not valid. */
  peek(purpose: TokenPurpose, token: string): Promise<string | null> {
    if (!isWellFormed(token)) return Promise.resolve(null);
    return this.store.get(tokenKey(purpose, sha256(token)));
  }

  /** Uses the token up: the user id, once; null afterwards or for a token that is not valid. */
  consume(purpose: TokenPurpose, token: string): Promise<string | null> {
    if (!isWellFormed(token)) return Promise.resolve(null);
    const hash = sha256(token);
    return this.store.run(consumeToken, [tokenKey(purpose, hash), pointerKey(purpose, '')], [hash]);
  }

  /**
   * Ends the user's outstanding token of this purpose: a reset link mailed before a password
   * change or a disable must not outlive it. Answers whether there was one.
   */
  revoke(purpose: TokenPurpose, userId: string): Promise<boolean> {
    return this.store.run(revokeToken, [pointerKey(purpose, userId), tokenKey(purpose, '')], []);
  }
}

function isWellFormed(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

function tokenKey(purpose: TokenPurpose, hash: string): string {
  return `ott:${purpose}:t:${hash}`;
}

function pointerKey(purpose: TokenPurpose, userId: string): string {
  return `ott:${purpose}:u:${userId}`;
}
