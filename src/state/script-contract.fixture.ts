import { KeyValueStore, type AtomicScript } from './key-value.store';

/**
 * Time as the store sees it. `now()` is what callers pass to scripts that take the time as an
 * argument; `advance(ms)` moves the store's own expiry clock forward by that much, without
 * waiting: the memory store reads a clock the test owns, and on Redis every key of the test's
 * prefix has its remaining TTL shortened (a key whose TTL runs out is gone).
 */
export interface TestClock {
  now(): number;
  advance(ms: number): Promise<void>;
}

/** A store with keys no other test sees, and the clock it expires keys by. */
export interface StoreUnderTest {
  store: KeyValueStore;
  clock: TestClock;
}

/** Where a contract suite runs: the memory store (unit) or Redis (test:services). */
export interface ContractTarget {
  name: string;
  make: () => Promise<StoreUnderTest>;
  cleanup: () => Promise<void>;
}

/** One contract suite: the atomic scripts it exercises, by name, and the suite itself. */
export interface ScriptContract {
  title: string;
  scripts: readonly string[];
  run(target: ContractTarget): void;
}

/** A contract suite, to be run on each target (see src/atomic-script-contracts.fixture.ts). */
export function scriptContract(
  title: string,
  scripts: readonly string[],
  body: (current: () => StoreUnderTest) => void,
): ScriptContract {
  return {
    title,
    scripts,
    run: (target) => describeScriptContract(title, target, scripts, body),
  };
}

/**
 * Declares a contract suite for a set of atomic scripts, by name. The suite's store records
 * every script it runs; when the suite ends it fails unless each declared script ran at least
 * once, so the declaration that src/atomic-scripts.spec.ts relies on cannot go stale.
 */
export function describeScriptContract(
  title: string,
  target: ContractTarget,
  scripts: readonly string[],
  body: (current: () => StoreUnderTest) => void,
): void {
  describe(`${title} contract: ${target.name}`, () => {
    const ran = new Set<string>();
    let current: StoreUnderTest | undefined;
    beforeEach(async () => {
      const made = await target.make();
      current = { store: new RecordingKeyValueStore(made.store, ran), clock: made.clock };
    });
    afterAll(target.cleanup);

    body(() => {
      if (current === undefined) throw new Error('the store is made in beforeEach');
      return current;
    });

    it('exercises every script it declares', () => {
      expect(scripts.filter((name) => !ran.has(name))).toEqual([]);
    });
  });
}

/** A KeyValueStore that notes the name of each script it runs and otherwise passes through. */
class RecordingKeyValueStore extends KeyValueStore {
  readonly mode: 'redis' | 'memory';

  constructor(
    private readonly inner: KeyValueStore,
    private readonly ran: Set<string>,
  ) {
    super();
    this.mode = inner.mode;
  }

  get(key: string): Promise<string | null> {
    return this.inner.get(key);
  }
  mget(keys: string[]): Promise<(string | null)[]> {
    return this.inner.mget(keys);
  }
  set(key: string, value: string, ttlMs?: number): Promise<void> {
    return this.inner.set(key, value, ttlMs);
  }
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return this.inner.setIfAbsent(key, value, ttlMs);
  }
  del(...keys: string[]): Promise<number> {
    return this.inner.del(...keys);
  }
  pttl(key: string): Promise<number> {
    return this.inner.pttl(key);
  }
  run<T>(script: AtomicScript<T>, keys: string[], args: (string | number)[]): Promise<T> {
    this.ran.add(script.name);
    return this.inner.run(script, keys, args);
  }
  publish(channel: string, message: string): Promise<void> {
    return this.inner.publish(channel, message);
  }
  subscribe(channel: string, handler: (message: string) => void): Promise<void> {
    return this.inner.subscribe(channel, handler);
  }
  onSubscriptionGap(handler: () => void): void {
    this.inner.onSubscriptionGap(handler);
  }
  ping(): Promise<void> {
    return this.inner.ping();
  }
}
