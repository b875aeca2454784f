import type { Storage } from '@uaip/core';
import type { Database } from './database';
import { runMigrations } from './migrations';
import { type PgDatabaseOptions, pgDatabase } from './pg-database';
import { type PgliteDatabaseOptions, pgliteDatabase } from './pglite-database';
import { createSqlStorage } from './sql-storage';

/**
 * A {@link Storage} with a `close()` the core interface does not have: it ends the pool or the
 * embedded database this package opened (a pool passed in stays open).
 */
export type ClosableStorage = Storage & {
  /** Closes what the storage opened; the storage must not be used afterwards. */
  close(): Promise<void>;
};

/** Options of {@link createPgStorage}: the pool settings, and whether to migrate. */
export interface PgStorageOptions extends PgDatabaseOptions {
  /**
   * Apply the package's migrations before returning. Turn off when operators run
   * `npm run migrate` (or `uaip-storage-pg-migrate`) before deploying.
   * @default true
   */
  migrate?: boolean;
}

/** Options of {@link createEmbeddedStorage}: where the data lives. */
export type EmbeddedStorageOptions = PgliteDatabaseOptions;

/**
 * The storage on a PostgreSQL server. Migrations run first (under an advisory lock, so
 * several instances may start at once). When the database cannot be reached, or every pooled
 * connection stays busy past `connectionTimeoutMs`, calls fail with
 * `UaipError('storage_unavailable')` (with `retryAfterMs`) instead of hanging, and work again
 * once the database is back.
 *
 * @example
 * ```ts
 * import { createOrchestrator } from '@uaip/core';
 * import { createPgStorage } from '@uaip/storage-pg';
 *
 * const storage = await createPgStorage({ connectionString: process.env.DATABASE_URL });
 * const orchestrator = createOrchestrator({ storage, llm, workflows });
 * // on shutdown
 * await storage.close();
 * ```
 */
export async function createPgStorage(options: PgStorageOptions): Promise<ClosableStorage> {
  if (!options.pool && !options.connectionString) {
    throw new TypeError('createPgStorage needs a pool or a connectionString');
  }
  return open(pgDatabase(options), options.migrate ?? true);
}

/**
 * The storage on embedded PostgreSQL (PGlite): nothing to install or run. With `dataDir` the
 * data lives in that folder and every acknowledged write survives the process being killed;
 * without it, in memory. One process at a time may open a folder, so the question leases and
 * in-flight idempotency keys an earlier process left (a crash) are freed when it opens.
 *
 * @example
 * ```ts
 * const storage = await createEmbeddedStorage({ dataDir: './.data/uaip' });
 * const orchestrator = createOrchestrator({ storage, llm, workflows });
 * ```
 */
export async function createEmbeddedStorage(
  options: EmbeddedStorageOptions = {},
): Promise<ClosableStorage> {
  return open(await pgliteDatabase(options), true, true);
}

// One process owns an embedded database, so every lease and in-flight key found at start was
// left by a process that ended (a crash, a kill): free them now rather than when they expire.
const FREE_DEAD_CLAIMS_SQL = `
update sessions set lease_id = null, lease_expires_at = null where lease_id is not null;
delete from idempotency_keys where not completed;`;

async function open(db: Database, migrate: boolean, ownsData = false): Promise<ClosableStorage> {
  try {
    if (migrate) await runMigrations(db);
    if (ownsData) await db.exec(FREE_DEAD_CLAIMS_SQL);
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
  return { ...createSqlStorage(db), close: () => db.close() };
}
