import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { keyValueStoreContract } from '../src/state/key-value.store.contract';
import { refreshSessionStoreContract } from '../src/tokens/refresh-session.store.contract';
import { createRedisClient } from '../src/state/redis-client.factory';
import { RedisKeyValueStore } from '../src/state/redis-key-value.store';
import { closedPort } from './support/tcp-proxy';
import { runRedisUrl, SERVICES_MODE } from './support/services';
import { DependencyUnavailableError } from '../src/common/errors/dependency-unavailable.error';

// The memory implementation runs the same contract in its unit spec; this one needs a Redis.
if (SERVICES_MODE) {
  const clients: Redis[] = [];
  const stores: RedisKeyValueStore[] = [];
  const makeStore = async () => {
    const client = createRedisClient(runRedisUrl(), 'contract-test');
    await client.connect();
    clients.push(client);
    const store = new RedisKeyValueStore(client, `contract:${randomBytes(4).toString('hex')}:`);
    stores.push(store);
    return store;
  };
  const cleanup = async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await Promise.all(clients.splice(0).map((client) => client.quit()));
  };
  keyValueStoreContract('redis', makeStore, cleanup);
  refreshSessionStoreContract('redis', makeStore, cleanup);
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
