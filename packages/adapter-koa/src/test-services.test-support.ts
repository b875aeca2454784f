/**
 * The servers the store tests need, from the environment: `REDIS_URL` and `TEST_DATABASE_URL`.
 * Without one, its tests are skipped and the run's output says what to set, except under
 * `UAIP_REQUIRE_SERVICES=1` (set by `.ci/run`), where a missing one is an error: CI must never
 * pass by skipping. The same rule as `@uaip/storage-pg`'s test services.
 */
function required(variable: string, service: string): string | undefined {
  const value = process.env[variable];
  if (!value && process.env.UAIP_REQUIRE_SERVICES === '1') {
    throw new Error(`${variable} is not set, and UAIP_REQUIRE_SERVICES=1 forbids skipping`);
  }
  // Said in the run's output under the file's name: a skip must never pass unnoticed.
  if (!value)
    console.warn(
      `Skipped: the tests of this file that need ${service} (set ${variable} to run them).`,
    );
  return value || undefined;
}

/** The Redis server for tests, or undefined (skip, and say so). */
export const testRedisUrl = (): string | undefined => required('REDIS_URL', 'Redis');

/** The PostgreSQL server for tests, or undefined (skip, and say so). */
export const testDatabaseUrl = (): string | undefined =>
  required('TEST_DATABASE_URL', 'PostgreSQL');

/** Suffixes of the suites skipped without a server, so skips explain themselves. */
export const NEEDS_REDIS = '(needs Redis: set REDIS_URL)';
export const NEEDS_POSTGRES = '(needs PostgreSQL: set TEST_DATABASE_URL)';

/** A name no other run uses: for Redis key prefixes and PostgreSQL tables. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
