import { MemoryKeyValueStore } from './memory-key-value.store';

/** Fresh memory stores for a contract suite, closed together when it ends. */
export function memoryStores(): {
  make: () => Promise<MemoryKeyValueStore>;
  closeAll: () => Promise<void>;
} {
  const stores: MemoryKeyValueStore[] = [];
  return {
    make: () => {
      const store = new MemoryKeyValueStore();
      stores.push(store);
      return Promise.resolve(store);
    },
    closeAll: () => {
      for (const store of stores.splice(0)) store.close();
      return Promise.resolve();
    },
  };
}
