import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { KeyValueStore, type AtomicScript } from '../state/key-value.store';
import { sha256 } from '../common/crypto/sha256';

/** What a single-use token is for; each purpose has its own key space. */
export type TokenPurpose = 'password-reset' | 'email-verify';

/*
 * The user's pointer holds the hashes of their live tokens of one purpose, oldest first, separated
 * by spaces (base64url never contains one). Token keys name the user; the pointer lets every live
 * token of a user be found and ended together.
 */

/**
 * KEYS: the user's pointer, the new token's key, the token key prefix (a prefix, never a key of
 * its own: passing it as a key gives it the deployment's key prefix). ARGV: user id, new hash,
 * ttl ms, how many may be live. Stores the new token; when more than that many would be live,
 * the oldest ones end.
 */
const issueToken: AtomicScript<void> = {
  name: 'one-time-token-issue',
  lua: `
    local live = {}
    for hash in string.gmatch(redis.call('GET', KEYS[1]) or '', '%S+') do
      if redis.call('EXISTS', KEYS[3] .. hash) == 1 then table.insert(live, hash) end
    end
    table.insert(live, ARGV[2])
    while #live > tonumber(ARGV[4]) do
      redis.call('DEL', KEYS[3] .. table.remove(live, 1))
    end
    redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
    redis.call('SET', KEYS[1], table.concat(live, ' '), 'PX', ARGV[3])`,
  memory: (store, [pointer, tokenKey, tokenPrefix], [userId, hash, ttl, max]) => {
    const live = hashesIn(store.get(pointer)).filter((h) => store.get(tokenPrefix + h) !== null);
    live.push(hash);
    while (live.length > Number(max)) store.del(tokenPrefix + (live.shift() as string));
    store.set(tokenKey, userId, Number(ttl));
    store.set(pointer, live.join(' '), Number(ttl));
  },
  fromRedis: () => undefined,
};

/**
 * KEYS: the token's key, the user pointer prefix, the token key prefix. Takes the token (it works
 * once) and ends every other live token of its user and purpose: one use of a link ends them
 * all. Answers the user id, or null for an unknown, used, ended or expired token.
 */
const consumeToken: AtomicScript<string | null> = {
  name: 'one-time-token-consume',
  lua: `
    local userId = redis.call('GET', KEYS[1])
    if not userId then return false end
    redis.call('DEL', KEYS[1])
    local pointer = KEYS[2] .. userId
    for hash in string.gmatch(redis.call('GET', pointer) or '', '%S+') do
      redis.call('DEL', KEYS[3] .. hash)
    end
    redis.call('DEL', pointer)
    return userId`,
  memory: (store, [tokenKey, pointerPrefix, tokenPrefix]) => {
    const userId = store.get(tokenKey);
    if (userId === null) return null;
    store.del(tokenKey);
    const pointer = pointerPrefix + userId;
    for (const hash of hashesIn(store.get(pointer))) store.del(tokenPrefix + hash);
    store.del(pointer);
    return userId;
  },
  fromRedis: (reply) => (typeof reply === 'string' ? reply : null),
};

/**
 * KEYS: the user's pointer, the token key prefix. Ends every live token of the user and purpose
 * (answers whether there was one).
 */
const revokeToken: AtomicScript<boolean> = {
  name: 'one-time-token-revoke',
  lua: `
    local raw = redis.call('GET', KEYS[1])
    if not raw then return 0 end
    for hash in string.gmatch(raw, '%S+') do redis.call('DEL', KEYS[2] .. hash) end
    redis.call('DEL', KEYS[1])
    return 1`,
  memory: (store, [pointer, tokenPrefix]) => {
    const raw = store.get(pointer);
    if (raw === null) return false;
    for (const hash of hashesIn(raw)) store.del(tokenPrefix + hash);
    store.del(pointer);
    return true;
  },
  fromRedis: (reply) => reply === 1,
};

function hashesIn(pointer: string | null): string[] {
  return (pointer ?? '').split(' ').filter((hash) => hash !== '');
}

/**
 * How many tokens of each purpose may be live per user. Reset links: the newest 3, so that a
 * stranger asking for links to the owner's address (one mail per cooldown, ResetMailGate) cannot
 * end the one the owner is using: it stays live until three newer mails reached the same
 * mailbox, at least three cooldowns later. Verification links: only the newest, because only the
 * account itself asks for them (registration, and resend with its own access token): nobody else
 * can replace the link its owner holds.
 */
export const LIVE_TOKENS: Record<TokenPurpose, number> = { 'password-reset': 3, 'email-verify': 1 };

/**
 * Single-use tokens for password reset and email verification: 256 random bits, stored only as a
 * SHA-256 hash with a TTL, at most LIVE_TOKENS[purpose] live per user (a newer one ends the
 * oldest), taken atomically so that concurrent uses of one token succeed exactly once; using one
 * ends the others.
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
      [userId, hash, ttlSeconds * 1000, LIVE_TOKENS[purpose]],
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
    return this.store.run(
      consumeToken,
      [tokenKey(purpose, hash), pointerKey(purpose, ''), tokenKey(purpose, '')],
      [],
    );
  }

  /**
   * Ends the user's outstanding tokens of this purpose: a reset link mailed before a password
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
