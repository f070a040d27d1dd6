import { ATOMIC_SCRIPT_CONTRACTS } from './atomic-script-contracts.fixture';
import { atomicScriptNames } from './state/atomic-script-names.fixture';
import { memoryStores } from './state/memory-stores.fixture';

// The memory half of every contract; test/key-value-store.e2e-spec.ts runs the Redis half.
for (const contract of ATOMIC_SCRIPT_CONTRACTS) contract.run(memoryStores());

describe('atomic scripts', () => {
  const { names, unreadable } = atomicScriptNames();

  it('finds the scripts it checks', () => {
    // A pattern that stopped matching would make the check below pass vacuously.
    expect(unreadable).toEqual([]);
    expect(names.length).toBeGreaterThanOrEqual(10);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });

  it('are each exercised by a contract suite (which fails unless it runs them)', () => {
    const covered = new Set(ATOMIC_SCRIPT_CONTRACTS.flatMap((contract) => contract.scripts));
    expect(names.filter((name) => !covered.has(name))).toEqual([]);
  });
});
