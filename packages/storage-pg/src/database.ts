/** The result of one SQL statement: only the rows, so `pg` and PGlite both satisfy it. */
export interface QueryResult<Row> {
  rows: Row[];
}

/** Something SQL can be sent to: a pool, a checked-out client, or an open transaction. */
export interface Queryable {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<QueryResult<Row>>;
}

/**
 * The one database interface the storage is written against, so the same SQL serves a
 * PostgreSQL server (through `pg`) and embedded PostgreSQL (PGlite).
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
