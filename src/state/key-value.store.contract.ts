import { setTimeout as delay } from 'node:timers/promises';
import type { AtomicScript, KeyValueStore } from './key-value.store';
import { scriptContract, type TestClock } from './script-contract.fixture';

/** Moves a value from one key to another if the source holds the expected value. */
const compareAndMove: AtomicScript<boolean> = {
  name: 'test-compare-and-move',
  lua: `
    if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
    redis.call('DEL', KEYS[1])
    redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
    return 1`,
  memory: (store, [from, to], [expected, ttlMs]) => {
    if (store.get(from) !== expected) return false;
    store.del(from);
    store.set(to, expected, Number(ttlMs));
    return true;
  },
  fromRedis: (reply) => reply === 1,
};

/** Adds a member to a set and answers the sorted members. */
const addAndList: AtomicScript<string[]> = {
  name: 'test-add-and-list',
  lua: `
    redis.call('SADD', KEYS[1], ARGV[1])
    local members = redis.call('SMEMBERS', KEYS[1])
    table.sort(members)
    return members`,
  memory: (store, [key], [member]) => {
    store.sadd(key, member);
    return store.smembers(key).sort();
  },
};

/**
 * The behaviour every KeyValueStore must have, run against the memory and Redis implementations
 * alike. Each test gets a store whose keys no other test sees.
 */
export const keyValueStoreContract = scriptContract(
  'KeyValueStore',
  // Scripts of its own: the primitives every atomic script is built on.
  [compareAndMove.name, addAndList.name],
  (current) => {
    let store: KeyValueStore;
    let clock: TestClock;
    beforeEach(() => {
      ({ store, clock } = current());
    });

    it('reads back what it stored, and null for a missing key', async () => {
      await store.set('a', '1');
      await expect(store.get('a')).resolves.toBe('1');
      await expect(store.get('missing')).resolves.toBeNull();
      await expect(store.mget(['a', 'missing'])).resolves.toEqual(['1', null]);
      await expect(store.mget([])).resolves.toEqual([]);
    });

    it('forgets a value when its TTL runs out', async () => {
      await store.set('short', 'x', 60_000);
      await expect(store.get('short')).resolves.toBe('x');
      const ttl = await store.pttl('short');
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
      await clock.advance(20_000);
      const later = await store.pttl('short');
      expect(later).toBeGreaterThan(0);
      expect(later).toBeLessThanOrEqual(40_000);
      await clock.advance(40_000);
      await expect(store.get('short')).resolves.toBeNull();
      await expect(store.pttl('short')).resolves.toBe(-2);
    });

    it('reports -1 for a key without expiry', async () => {
      await store.set('forever', 'x');
      await expect(store.pttl('forever')).resolves.toBe(-1);
    });

    it('stores only when absent', async () => {
      await expect(store.setIfAbsent('once', 'first', 10_000)).resolves.toBe(true);
      await expect(store.setIfAbsent('once', 'second', 10_000)).resolves.toBe(false);
      await expect(store.get('once')).resolves.toBe('first');
    });

    it('lets only one of many concurrent setIfAbsent calls win', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.setIfAbsent('race', String(i), 10_000)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('deletes and counts what existed', async () => {
      await store.set('d1', '1');
      await store.set('d2', '2');
      await expect(store.del('d1', 'd2', 'd3')).resolves.toBe(2);
      await expect(store.get('d1')).resolves.toBeNull();
    });

    it('runs a script atomically: of concurrent runs, exactly one moves the value', async () => {
      await store.set('from', 'token');
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          store.run(compareAndMove, ['from', 'to'], ['token', 10_000]),
        ),
      );
      expect(results.filter((moved) => moved)).toHaveLength(1);
      await expect(store.get('from')).resolves.toBeNull();
      await expect(store.get('to')).resolves.toBe('token');
    });

    it('gives scripts sets', async () => {
      await store.run(addAndList, ['set'], ['b']);
      await expect(store.run(addAndList, ['set'], ['a'])).resolves.toEqual(['a', 'b']);
      await expect(store.run(addAndList, ['set'], ['a'])).resolves.toEqual(['a', 'b']);
    });

    it('delivers published messages to subscribers', async () => {
      const received: string[] = [];
      await store.subscribe('events', (message) => received.push(message));
      await store.publish('events', 'revoked:1');
      await store.publish('events', 'revoked:2');
      for (let i = 0; i < 50 && received.length < 2; i += 1) await delay(20);
      expect(received).toEqual(['revoked:1', 'revoked:2']);
    });

    it('answers a ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  },
);
