import type Redis from 'ioredis';
import type { TestClock } from '../../src/state/script-contract.fixture';

/** Shortens one key's remaining TTL by ARGV[1] ms, deleting it when that runs it out. */
const SHORTEN_TTL = `
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl <= 0 then return 0 end
  local left = ttl - tonumber(ARGV[1])
  if left <= 0 then redis.call('DEL', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], left) end
  return 1`;

/**
 * Time for one prefix: `advance` shortens the TTL of every key under it, as if that much time
 * had passed (the scripts read no server clock, only TTLs and the times they are given).
 */
export function redisClock(client: Redis, prefix: string): TestClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: async (ms) => {
      offset += ms;
      const keys: string[] = [];
      for await (const batch of client.scanStream({ match: `${prefix}*`, count: 500 }))
        keys.push(...(batch as string[]));
      for (const key of keys) await client.eval(SHORTEN_TTL, 1, key, ms);
    },
  };
}
