import { PGlite } from '@electric-sql/pglite';
import type { Database } from './database';
import { toStorageError } from './errors';

/** Options of {@link pgliteDatabase}. */
export interface PgliteDatabaseOptions {
  /**
   * A folder for the data (created when missing); without one the database lives in memory
   * and is gone when the process ends.
   */
  dataDir?: string;
}

/**
 * A {@link Database} on embedded PostgreSQL (PGlite), in a folder or in memory. PGlite has a
 * single connection: statements and transactions run one at a time, and a query sent while a
 * transaction is open waits for it to end.
 *
 * @example
 * ```ts
 * const db = await pgliteDatabase({ dataDir: './.data/pg' });
 * ```
 */
export async function pgliteDatabase(options: PgliteDatabaseOptions = {}): Promise<Database> {
  // relaxedDurability stays off: a query resolves only once its writes reached the files.
  const lite = await PGlite.create({ dataDir: options.dataDir, relaxedDurability: false });
  return {
    async query(text, params) {
      try {
        const result = await lite.query(text, params);
        return { rows: result.rows as never[] };
      } catch (error) {
        throw toStorageError(error);
      }
    },
    async exec(script) {
      try {
        await lite.exec(script);
      } catch (error) {
        throw toStorageError(error);
      }
    },
    async transaction(work) {
      try {
        return await lite.transaction((tx) =>
          work({
            query: async (text, params) => ({
              rows: (await tx.query(text, params)).rows as never[],
            }),
            exec: async (script) => {
              await tx.exec(script);
            },
          }),
        );
      } catch (error) {
        throw toStorageError(error);
      }
    },
    async close() {
      if (!lite.closed) await lite.close();
    },
  };
}
