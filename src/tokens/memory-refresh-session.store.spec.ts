import { MemoryKeyValueStore } from '../redis/memory-key-value.store';
import { refreshSessionStoreContract } from './refresh-session.store.contract';

const stores: MemoryKeyValueStore[] = [];

refreshSessionStoreContract(
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
