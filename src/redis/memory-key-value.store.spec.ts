import { keyValueStoreContract } from './key-value.store.contract';
import { MemoryKeyValueStore } from './memory-key-value.store';

const stores: MemoryKeyValueStore[] = [];

keyValueStoreContract(
  'memory',
  () => {
    const store = new MemoryKeyValueStore();
    stores.push(store);
    return Promise.resolve(store);
  },
  () => {
    for (const store of stores) store.close();
    return Promise.resolve();
  },
);

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
