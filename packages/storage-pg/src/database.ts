/** The result of one SQL statement: only the rows, so `pg` and PGlite both satisfy it. */
export interface QueryResult<Row> {
  rows: Row[];
}

/** How to send one statement. */
export interface QueryOptions {
  /**
   * Prepares the statement once per connection under this name and reuses its plan, which
   * saves parsing and planning on every later call. Only for constant SQL text (one name,
   * one text). PGlite runs in process and ignores it.
   */
  name?: string;
}

/** Something SQL can be sent to: a pool, or an open transaction. */
export interface Queryable {
  /** One statement; parameters travel apart from the text (`$1`, `$2`, ...). */
  query<Row = Record<string, unknown>>(
    text: string,
    params?: unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<Row>>;
  /** A script of several statements without parameters, such as a migration file. */
  exec(script: string): Promise<void>;
}

/**
 * The one database interface the storage is written against, so the same SQL serves a
 * PostgreSQL server (through `pg`) and embedded PostgreSQL (PGlite). Failures to reach the
 * database surface as `UaipError('storage_unavailable')`; every other database error is
 * rethrown as it came.
 */
export interface Database extends Queryable {
  /**
   * Runs `work` in one transaction on one connection: committed when it resolves, rolled back
   * when it throws (the error is rethrown).
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Releases the connections this database opened itself. */
  close(): Promise<void>;
}
