import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type { Database } from './database';

/** One forward-only schema change: a numbered `.sql` file of the package. */
export interface Migration {
  /** The number the file name starts with; migrations run in this order. */
  version: number;
  /** The file name, e.g. `0001_initial.sql`. */
  name: string;
  sql: string;
  /** SHA-256 of the text (line endings normalised), recorded when applied. */
  checksum: string;
}

/** What {@link runMigrations} did. */
export interface MigrationReport {
  /** Names of the migrations applied by this run, in order; empty when up to date. */
  applied: string[];
}

// The folder sits beside src/ and dist/, so this URL is right from the sources (tests, tsx)
// and from the built bundle alike; package.json ships it in `files`.
const MIGRATIONS_DIR = new URL('../migrations/', import.meta.url);
const FILE_NAME = /^(\d{4})_[a-z0-9_-]+\.sql$/;

// One key for every process migrating the same database ('uaip' as an int, then 1).
const LOCK_SQL = 'select pg_advisory_xact_lock(1969318256, 1)';

const CREATE_LEDGER_SQL = `create table if not exists schema_migrations (
  version integer primary key,
  name text not null,
  checksum text not null,
  applied_at timestamptz not null default now()
)`;

/**
 * The package's migrations, read from its `migrations/` folder, in order.
 *
 * @example
 * ```ts
 * for (const migration of await loadMigrations()) console.log(migration.name);
 * ```
 */
export async function loadMigrations(
  directory: URL | string = MIGRATIONS_DIR,
): Promise<Migration[]> {
  const names = (await readdir(directory)).filter((name) => name.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const name of names) {
    const match = FILE_NAME.exec(name);
    if (!match) throw new Error(`Migration file ${name} is not named like 0001_description.sql`);
    const version = Number(match[1]);
    if (migrations.some((migration) => migration.version === version)) {
      throw new Error(`Two migration files share the number ${match[1]} (${name})`);
    }
    const path = typeof directory === 'string' ? `${directory}/${name}` : new URL(name, directory);
    // A checkout with CRLF line endings must not look like an edited migration.
    const sql = (await readFile(path, 'utf8')).replace(/\r\n/g, '\n');
    const checksum = createHash('sha256').update(sql).digest('hex');
    migrations.push({ version, name, sql, checksum });
  }
  return migrations;
}

/**
 * Brings the schema up to date: applies each migration not yet recorded in
 * `schema_migrations`, each in its own transaction under an advisory lock, so several
 * processes starting at once apply each migration exactly once. A recorded migration whose
 * file changed since is an error naming the file: applied migrations are never edited.
 * Migrations the database has but this version does not know (a newer release ran) are left
 * alone.
 *
 * @example
 * ```ts
 * const db = pgDatabase({ connectionString: process.env.DATABASE_URL });
 * const { applied } = await runMigrations(db);
 * ```
 */
export async function runMigrations(
  db: Database,
  migrations?: Migration[],
): Promise<MigrationReport> {
  const pending = migrations ?? (await loadMigrations());
  const applied: string[] = [];
  for (const migration of pending) {
    const ran = await db.transaction(async (tx) => {
      // The lock lasts until this transaction ends: a second migrator waits here, then finds
      // the migration recorded.
      await tx.query(LOCK_SQL);
      await tx.exec(CREATE_LEDGER_SQL);
      const { rows } = await tx.query<{ name: string; checksum: string }>(
        'select name, checksum from schema_migrations where version = $1',
        [migration.version],
      );
      const recorded = rows[0];
      if (recorded) {
        if (recorded.checksum !== migration.checksum) throw editedMigration(migration, recorded);
        return false;
      }
      await tx.exec(migration.sql);
      await tx.query(
        'insert into schema_migrations (version, name, checksum) values ($1, $2, $3)',
        [migration.version, migration.name, migration.checksum],
      );
      return true;
    });
    if (ran) applied.push(migration.name);
  }
  return { applied };
}

function editedMigration(migration: Migration, recorded: { checksum: string }): Error {
  return new Error(
    `Migration ${migration.name} was changed after it was applied to this database ` +
      `(recorded checksum ${recorded.checksum.slice(0, 12)}, file ${migration.checksum.slice(0, 12)}). ` +
      'Applied migrations never change: restore the file and put the change in a new migration.',
  );
}
