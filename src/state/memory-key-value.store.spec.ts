import { MemoryKeyValueStore } from './memory-key-value.store';

// The KeyValueStore contract runs against this store in src/atomic-scripts.spec.ts.
describe('MemoryKeyValueStore', () => {
  it('refuses a string read of a set, as Redis does', async () => {
    const store = new MemoryKeyValueStore();
    await store.run(
      { name: 'sadd', lua: '', memory: (sync, [key]) => sync.sadd(key, 'member') },
      ['members'],
      [],
    );
    await expect(store.get('members')).rejects.toThrow(/WRONGTYPE/);
    store.close();
  });
});
