#!/usr/bin/env node
// `npm run migrate -w @uaip/storage-pg` / `npx uaip-storage-pg-migrate`: applies the schema to
// the database at DATABASE_URL, for operators who migrate before starting the app.
import { runMigrations } from './migrations';
import { pgDatabase } from './pg-database';

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('DATABASE_URL is not set (e.g. postgres://user@host:5432/uaip)\n');
  process.exit(2);
}

const db = pgDatabase({ connectionString: url });
try {
  const { applied } = await runMigrations(db);
  const summary = applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`;
  process.stdout.write(`uaip migrations: ${summary}\n`);
} catch (error) {
  // An operator reads this: the driver's own reason (refused, unknown host...) helps.
  const { message, cause } = error as Error;
  const detail = cause instanceof Error ? cause.message || (cause as { code?: string }).code : '';
  const reason = detail ? ` (${detail})` : '';
  process.stderr.write(`uaip migrations failed: ${message}${reason}\n`);
  process.exitCode = 1;
} finally {
  await db.close();
}
