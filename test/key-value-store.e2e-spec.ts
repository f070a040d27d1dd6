import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { ATOMIC_SCRIPT_CONTRACTS } from '../src/atomic-script-contracts.fixture';
import type { ContractTarget } from '../src/state/script-contract.fixture';
import { createRedisClient } from '../src/state/redis-client.factory';
import { RedisKeyValueStore } from '../src/state/redis-key-value.store';
import { redisClock } from './support/clocks';
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
