import pg from 'pg';

/**
 * The PostgreSQL server for tests, from `TEST_DATABASE_URL`. Without it the tests that need a
 * server are skipped and the run's output says why (a line under each file), except under `UAIP_REQUIRE_SERVICES=1` (set by
 * `.ci/run`), where a missing server is an error: CI must never pass by skipping.
 */
export function testDatabaseUrl(): string | undefined {
  const url = process.env.TEST_DATABASE_URL;
  if (!url && process.env.UAIP_REQUIRE_SERVICES === '1') {
    throw new Error('TEST_DATABASE_URL is not set, and UAIP_REQUIRE_SERVICES=1 forbids skipping');
  }
  if (!url) skipNotice('PostgreSQL', 'set TEST_DATABASE_URL');
  return url;
}

/**
 * Says in the run's output, under the test file's name, that its tests needing `service` are
 * skipped and what would run them: a skip must never pass unnoticed.
 */
export function skipNotice(service: string, remedy: string): void {
  console.warn(`Skipped: the tests of this file that need ${service} (${remedy} to run them).`);
}

/** The suffix of a suite that is skipped without a server, so skips explain themselves. */
export const NEEDS_POSTGRES = '(needs PostgreSQL: set TEST_DATABASE_URL)';

/** A database of its own for one test file, on the test server. */
export interface ThrowawayDatabase {
  url: string;
  /** Drops the database, closing whatever is still connected to it. */
  drop(): Promise<void>;
}

/**
 * Creates an empty database on the server of `serverUrl` (`uaip_t_<random>`), so a test file
 * that needs a clean slate (migrations from empty, faults) never disturbs files running in
 * parallel.
 */
export async function createThrowawayDatabase(serverUrl: string): Promise<ThrowawayDatabase> {
  const name = `uaip_t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await admin(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(serverUrl, `drop database if exists ${name} with (force)`),
  };
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
