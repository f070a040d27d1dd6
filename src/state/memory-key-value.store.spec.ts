import { keyValueStoreContract } from './key-value.store.contract';
import { MemoryKeyValueStore } from './memory-key-value.store';
import { memoryStores } from './memory-stores.fixture';

const { make, closeAll } = memoryStores();
keyValueStoreContract('memory', make, closeAll);

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
