/**
 * The PostgreSQL server for tests, from `TEST_DATABASE_URL`. Without it the tests that need a
 * server are skipped (their names say so), except under `UAIP_REQUIRE_SERVICES=1` (set by
 * `.ci/run`), where a missing server is an error: CI must never pass by skipping.
 */
export function testDatabaseUrl(): string | undefined {
  const url = process.env.TEST_DATABASE_URL;
  if (!url && process.env.UAIP_REQUIRE_SERVICES === '1') {
    throw new Error('TEST_DATABASE_URL is not set, and UAIP_REQUIRE_SERVICES=1 forbids skipping');
  }
  return url;
}

/** The suffix of a suite that is skipped without a server, so skips explain themselves. */
export const NEEDS_POSTGRES = '(needs PostgreSQL: set TEST_DATABASE_URL)';
