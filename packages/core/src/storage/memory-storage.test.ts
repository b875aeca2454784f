import { storageContract } from '../testing/storage-contract';
import { createMemoryStorage } from './memory-storage';

storageContract('memory storage', () => ({ storage: createMemoryStorage() }));
