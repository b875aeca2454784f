export type { Database, Queryable, QueryResult } from './database';
export type { PgDatabaseOptions } from './pg-database';
export { pgDatabase } from './pg-database';
export type { PgliteDatabaseOptions } from './pglite-database';
export { pgliteDatabase } from './pglite-database';
