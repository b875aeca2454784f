import { storageContract } from '@uaip/core/testing';
import { createEmbeddedStorage } from './index';

// PGlite in memory: the contract runs everywhere, with or without a PostgreSQL server.
storageContract('embedded storage (PGlite, in memory)', async () => {
  const storage = await createEmbeddedStorage();
  return { storage, teardown: () => storage.close() };
});
