import { memoryStores } from '../state/memory-stores.fixture';
import { refreshSessionStoreContract } from './refresh-session.store.contract';

const { make, closeAll } = memoryStores();
refreshSessionStoreContract('memory', make, closeAll);
