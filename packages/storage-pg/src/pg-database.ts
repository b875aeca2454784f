import pg from 'pg';
import type { Database, Queryable, QueryOptions } from './database';
import { toStorageError } from './errors';

/** Options of {@link pgDatabase}: a pool of the host's, or a URL to open one for. */
export interface PgDatabaseOptions {
  /**
   * A pool of the host's; it stays open on `close()`, and its settings (size, timeouts) are
   * the host's. Give this or `connectionString`.
   */
  pool?: pg.Pool;
  /** A `postgres://` URL; the pool opened for it is closed on `close()`. */
  connectionString?: string;
  /**
   * Connections in the pool opened for `connectionString`.
   * @default 10
   */
  poolSize?: number;
  /**
   * How long a query may wait for a connection (a free one, or a new one being opened) before
   * it fails with `storage_unavailable`. pg's own default is to wait forever.
   * @default 5000
   */
  connectionTimeoutMs?: number;
  /**
   * The server cancels a statement running longer (`statement_timeout`).
   * @default 30000
   */
  statementTimeoutMs?: number;
  /**
   * The server closes a connection left idle inside a transaction this long
   * (`idle_in_transaction_session_timeout`), so a stuck caller cannot hold locks forever.
   * @default 60000
   */
  idleInTransactionTimeoutMs?: number;
  /**
   * Prepare the storage's statements once per connection (named prepared statements), which
   * saves planning them on every call. Turn off behind a connection pooler that cannot carry
   * prepared statements, such as PgBouncer in transaction mode before 1.21.
   * @default true
   */
  prepareStatements?: boolean;
  /**
   * Receives errors of idle pooled connections (the server restarted, a connection was
   * killed). The pool drops such a connection by itself; without a listener, Node would crash
   * the process on the pool's `error` event, so one is always installed on a pool opened here.
   * @default ignore them
   */
  onPoolError?: (error: Error) => void;
}

/** The pool settings {@link pgDatabase} applies to a pool it opens. */
function pgPoolConfig(options: PgDatabaseOptions): pg.PoolConfig {
  const statementTimeout = options.statementTimeoutMs ?? 30_000;
  return {
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    statement_timeout: statementTimeout,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 60_000,
    // statement_timeout is enforced by the server; this client-side bound also ends a query
    // whose server went silent (a dead network), and pg then discards that connection.
    query_timeout: statementTimeout + 5_000,
    keepAlive: true,
    application_name: 'uaip',
  };
}

/**
 * A {@link Database} on a PostgreSQL server through a `pg.Pool`.
 *
 * @example
 * ```ts
 * const db = pgDatabase({ connectionString: process.env.DATABASE_URL, poolSize: 20 });
 * const { rows } = await db.query('select 1 as one');
 * ```
 */
export function pgDatabase(options: PgDatabaseOptions): Database {
  const ownsPool = !options.pool;
  const pool = options.pool ?? new pg.Pool(pgPoolConfig(options));
  const onPoolError = (error: Error) => options.onPoolError?.(error);
  // A host's pool gets a listener only when asked for one, and loses it on close().
  if (ownsPool || options.onPoolError) pool.on('error', onPoolError);

  let closed = false;
  const prepare = options.prepareStatements ?? true;
  const statement = (text: string, params?: unknown[], queryOptions?: QueryOptions) => ({
    text,
    values: params,
    name: prepare ? queryOptions?.name : undefined,
  });

  return {
    async query(text, params, queryOptions) {
      try {
        const result = await pool.query(statement(text, params, queryOptions));
        return { rows: result.rows };
      } catch (error) {
        throw toStorageError(error);
      }
    },
    async exec(script) {
      try {
        // Without parameters pg uses the simple protocol, which runs several statements.
        await pool.query(script);
      } catch (error) {
        throw toStorageError(error);
      }
    },
    async transaction(work) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw toStorageError(error);
      }
      // A transaction must stay on one connection: pool.query('BEGIN') would not.
      const tx: Queryable = {
        query: async (text, params, queryOptions) => ({
          rows: (await client.query(statement(text, params, queryOptions))).rows,
        }),
        exec: async (script) => {
          await client.query(script);
        },
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
        throw toStorageError(error);
      } finally {
        client.release(broken);
      }
    },
    async close() {
      // Closing twice is harmless; pg would throw on a second pool.end().
      if (closed) return;
      closed = true;
      if (ownsPool) await pool.end();
      else pool.off('error', onPoolError);
    },
  };
}
