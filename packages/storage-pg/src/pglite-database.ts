import { PGlite } from '@electric-sql/pglite';
import type { Database } from './database';

/** Options of {@link pgliteDatabase}. */
export interface PgliteDatabaseOptions {
  /** A folder for the data; without one the database lives in memory. */
  dataDir?: string;
}

/**
 * A {@link Database} on embedded PostgreSQL (PGlite), in a folder or in memory. PGlite has a
 * single connection, so transactions run one at a time.
 *
 * @example
 * ```ts
 * const db = await pgliteDatabase({ dataDir: './.data/pg' });
 * ```
 */
export async function pgliteDatabase(options: PgliteDatabaseOptions = {}): Promise<Database> {
  const lite = await PGlite.create(options.dataDir);
  return {
    async query(text, params) {
      const result = await lite.query(text, params);
      return { rows: result.rows as never[] };
    },
    transaction(work) {
      return lite.transaction((tx) =>
        work({
          query: async (text, params) => ({ rows: (await tx.query(text, params)).rows as never[] }),
        }),
      );
    },
    close() {
      return lite.close();
    },
  };
}
