import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { KeyValueStore, type AtomicScript } from '../state/key-value.store';

/**
 * KEYS: hits, blocked. ARGV: ttl ms, limit, block ms. One hit of a fixed window, the rule of
 * @nest-lab/throttler-storage-redis (after rate-limit-redis): the window starts with its first
 * hit; the hit past the limit blocks the key for the block duration; when a block has run out
 * the key starts over with this hit. Answers {hits, window ms left, blocked 1/0, block ms left}.
 */
export const throttlerHit: AtomicScript<ThrottlerStorageRecord> = {
  name: 'throttler-hit',
  lua: `
    local ttl = tonumber(ARGV[1])
    local limit = tonumber(ARGV[2])
    local block = tonumber(ARGV[3])
    local hits = redis.call('INCR', KEYS[1])
    local left = redis.call('PTTL', KEYS[1])
    if left <= 0 then
      redis.call('PEXPIRE', KEYS[1], ttl)
      left = ttl
    end
    local blocked = redis.call('GET', KEYS[2])
    local blockLeft = 0
    if blocked then
      blockLeft = redis.call('PTTL', KEYS[2])
    elseif hits > limit then
      redis.call('SET', KEYS[2], '1', 'PX', block)
      blocked = '1'
      blockLeft = block
    end
    if blocked and blockLeft <= 0 then
      redis.call('DEL', KEYS[2])
      redis.call('SET', KEYS[1], '1', 'PX', ttl)
      hits = 1
      left = ttl
      blocked = false
    end
    return { hits, left, blocked and 1 or 0, blockLeft }`,
  memory: (store, [hitsKey, blockKey], [ttlText, limitText, blockText]) => {
    const ttl = Number(ttlText);
    const block = Number(blockText);
    let hits = Number(store.get(hitsKey) ?? '0') + 1;
    let left = store.pttl(hitsKey);
    if (left <= 0) left = ttl;
    store.set(hitsKey, String(hits), left);
    let blocked = store.get(blockKey) !== null;
    let blockLeft = 0;
    if (blocked) blockLeft = store.pttl(blockKey);
    else if (hits > Number(limitText)) {
      store.set(blockKey, '1', block);
      blocked = true;
      blockLeft = block;
    }
    if (blocked && blockLeft <= 0) {
      store.del(blockKey);
      store.set(hitsKey, '1', ttl);
      hits = 1;
      left = ttl;
      blocked = false;
    }
    return recordOf(hits, left, blocked, blockLeft);
  },
  fromRedis: (reply) => {
    const [hits, left, blocked, blockLeft] = (reply as number[]).map(Number);
    return recordOf(hits, left, blocked === 1, blockLeft);
  },
};

/** In seconds, rounded up, as @nestjs/throttler's storages answer. */
function recordOf(
  hits: number,
  leftMs: number,
  blocked: boolean,
  blockLeftMs: number,
): ThrottlerStorageRecord {
  return {
    totalHits: hits,
    timeToExpire: Math.ceil(leftMs / 1000),
    isBlocked: blocked,
    timeToBlockExpire: Math.ceil(blockLeftMs / 1000),
  };
}

/**
 * @nestjs/throttler's storage on the service's own store: Redis or memory with one rule and one
 * contract suite (throttler-hits.contract.ts), the Lua sent once and run by its SHA, keys under
 * the deployment's prefix, and a store outage a 503 (the store's DependencyUnavailableError):
 * a limiter that cannot count refuses, it never becomes unlimited. One hit costs O(1) in both.
 */
export class ThrottlerHitsStorage implements ThrottlerStorage {
  constructor(private readonly store: KeyValueStore) {}

  increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    // One hash tag: both keys of a counter live in one Redis Cluster slot.
    const counter = `{rl:${key}:${throttlerName}}`;
    return this.store.run(
      throttlerHit,
      [`${counter}:hits`, `${counter}:blocked`],
      [ttl, limit, blockDuration],
    );
  }
}
