import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { postgresRateLimitStore, type RateLimitStore, redisRateLimitStore } from './rate-limits';
import {
  NEEDS_POSTGRES,
  NEEDS_REDIS,
  testDatabaseUrl,
  testRedisUrl,
  uniqueName,
} from './test-services.test-support';

/**
 * Runs `scenario` once on Redis and once on PostgreSQL (skipped, saying why, without the
 * server). Each store it makes has keys or a table of its own, removed after the suite, so
 * runs and tests never share counters. `more` adds tests of that store's own.
 */
export function onSharedStores(
  title: string,
  scenario: (makeStore: () => RateLimitStore) => void,
  more: { postgres?: (pool: () => pg.Pool, table: () => string) => void } = {},
): void {
  const redisUrl = testRedisUrl();
  describe.skipIf(!redisUrl)(`${title} on Redis ${NEEDS_REDIS}`, () => {
    const prefix = uniqueName('uaip_test_rl');
    const client = redisUrl ? new Redis(redisUrl, { maxRetriesPerRequest: 1 }) : undefined;
    afterAll(async () => {
      const keys = await client!.keys(`${prefix}*`);
      if (keys.length > 0) await client!.del(...keys);
      await client!.quit();
    });
    let stores = 0;
    scenario(() => {
      const namespace = `${prefix}_${++stores}`;
      const store = redisRateLimitStore(client);
      return (options) => store({ ...options, keyPrefix: `${namespace}:${options.keyPrefix}` });
    });
  });

  const databaseUrl = testDatabaseUrl();
  describe.skipIf(!databaseUrl)(`${title} on PostgreSQL ${NEEDS_POSTGRES}`, () => {
    const pool = databaseUrl ? new pg.Pool({ connectionString: databaseUrl, max: 4 }) : undefined;
    const tables: string[] = [];
    afterAll(async () => {
      for (const table of tables) await pool!.query(`drop table if exists "${table}"`);
      await pool!.end();
    });
    const table = () => {
      tables.push(uniqueName('uaip_test_rl'));
      return tables.at(-1)!;
    };
    scenario(() => postgresRateLimitStore(pool, table()));
    more.postgres?.(() => pool!, table);
  });
}
