import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { ATOMIC_SCRIPT_CONTRACTS } from '../src/atomic-script-contracts.fixture';
import type { ContractTarget, TestClock } from '../src/state/script-contract.fixture';
import { createRedisClient } from '../src/state/redis-client.factory';
import { RedisKeyValueStore } from '../src/state/redis-key-value.store';
import { closedPort } from './support/tcp-proxy';
import { runRedisUrl, SERVICES_MODE } from './support/services';
import { DependencyUnavailableError } from '../src/common/errors/dependency-unavailable.error';

// Every contract of src/atomic-scripts.spec.ts runs against the memory store in its unit spec;
// here the same suites run against Redis, so the Lua half of each atomic script is exercised.
if (SERVICES_MODE) {
  for (const contract of ATOMIC_SCRIPT_CONTRACTS) contract.run(redisTarget());
}

/** Redis stores under random prefixes of the run's index, each with a clock of its own. */
function redisTarget(): ContractTarget {
  let client: Redis | undefined;
  const stores: RedisKeyValueStore[] = [];
  return {
    name: 'redis',
    make: async () => {
      if (client === undefined) {
        client = createRedisClient(runRedisUrl(), 'contract-test');
        await client.connect();
      }
      const prefix = `contract:${randomBytes(6).toString('hex')}:`;
      const store = new RedisKeyValueStore(client, prefix);
      stores.push(store);
      return { store, clock: redisClock(client, prefix) };
    },
    cleanup: async () => {
      await Promise.all(stores.splice(0).map((store) => store.close()));
      await client?.quit();
      client = undefined;
    },
  };
}

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
function redisClock(client: Redis, prefix: string): TestClock {
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

describe('RedisKeyValueStore without a Redis', () => {
  it('fails closed at once with DependencyUnavailableError', async () => {
    const client = createRedisClient(`redis://127.0.0.1:${await closedPort()}`, 'down-test');
    await client.connect().catch(() => undefined);
    const store = new RedisKeyValueStore(client, 'down:');
    const started = Date.now();
    await expect(store.get('anything')).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(Date.now() - started).toBeLessThan(2_500);
    client.disconnect();
  });
});
