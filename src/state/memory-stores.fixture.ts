import { MemoryKeyValueStore } from './memory-key-value.store';
import type { ContractTarget, StoreUnderTest, TestClock } from './script-contract.fixture';

/**
 * A clock the test moves by hand: expiry in the memory store without waiting. It starts at the
 * real time, so that code which reads Date.now() itself stays close to it.
 */
export function manualClock(start = Date.now()): TestClock {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
      return Promise.resolve();
    },
  };
}

/**
 * Fresh memory stores for a contract suite, each on a manual clock of its own, closed together
 * when it ends.
 */
export function memoryStores(): ContractTarget & { make: () => Promise<StoreUnderTest> } {
  const stores: MemoryKeyValueStore[] = [];
  return {
    name: 'memory',
    make: () => {
      const clock = manualClock();
      const store = new MemoryKeyValueStore(() => clock.now());
      stores.push(store);
      return Promise.resolve({ store, clock });
    },
    cleanup: () => {
      for (const store of stores.splice(0)) store.close();
      return Promise.resolve();
    },
  };
}
