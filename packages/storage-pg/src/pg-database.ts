import pg from 'pg';
import type { Database, Queryable } from './database';

/** Options of {@link pgDatabase}. */
export interface PgDatabaseOptions {
  /** A pool of the host's; it stays open on `close()`. Give this or `connectionString`. */
  pool?: pg.Pool;
  /** A `postgres://` URL; the pool opened for it is closed on `close()`. */
  connectionString?: string;
  /** Receives errors of idle pooled connections, which would otherwise crash the process. */
  onPoolError?: (error: Error) => void;
}

/**
 * A {@link Database} on a PostgreSQL server through a `pg.Pool`.
 *
 * @example
 * ```ts
 * const db = pgDatabase({ connectionString: process.env.DATABASE_URL });
 * const { rows } = await db.query('select 1 as one');
 * ```
 */
export function pgDatabase(options: PgDatabaseOptions): Database {
  const ownsPool = !options.pool;
  const pool =
    options.pool ??
    new pg.Pool({
      connectionString: options.connectionString,
      // pg waits forever for a connection by default; a stalled database must fail fast.
      connectionTimeoutMillis: 5_000,
      statement_timeout: 30_000,
      idle_in_transaction_session_timeout: 60_000,
    });
  if (ownsPool) pool.on('error', (error) => options.onPoolError?.(error));

  return {
    async query(text, params) {
      const result = await pool.query(text, params);
      return { rows: result.rows };
    },
    async transaction(work) {
      // A transaction must stay on one connection: pool.query('BEGIN') would not.
      const client = await pool.connect();
      const tx: Queryable = {
        query: async (text, params) => ({ rows: (await client.query(text, params)).rows }),
      };
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const value = await work(tx);
        await client.query('COMMIT');
        return value;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          // The connection is unusable: destroy it instead of returning it to the pool.
          broken = rollbackError;
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async close() {
      if (ownsPool) await pool.end();
    },
  };
}
