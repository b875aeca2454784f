import { storageContract } from '@uaip/core/testing';
import { describe } from 'vitest';
import { createPgStorage } from './index';
import { createThrowawayDatabase, NEEDS_POSTGRES, testDatabaseUrl } from './test-services';

const serverUrl = testDatabaseUrl();

describe.skipIf(!serverUrl)(`PostgreSQL storage ${NEEDS_POSTGRES}`, () => {
  storageContract('pg storage (PostgreSQL server)', async () => {
    const database = await createThrowawayDatabase(serverUrl!);
    const storage = await createPgStorage({ connectionString: database.url });
    return {
      storage,
      teardown: async () => {
        await storage.close();
        await database.drop();
      },
    };
  });
});
