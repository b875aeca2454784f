import { randomBytes } from 'node:crypto';
import { demoResponder, type FakeLlmServer, startFakeAnthropic } from '@uaip/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type AppProcess, startApp, tempDataDir } from './app-process.test-support';

// The reference app as `npm start` runs it, with the real Claude client against a fake Claude
// that answers like the demo provider: once on embedded storage (PGlite), once on a throw-away
// PostgreSQL database when there is a server (TEST_DATABASE_URL, set by .ci/run).

const serverUrl = process.env.TEST_DATABASE_URL;
if (!serverUrl && process.env.UAIP_REQUIRE_SERVICES === '1') {
  throw new Error('TEST_DATABASE_URL is not set, and UAIP_REQUIRE_SERVICES=1 forbids skipping');
}
// Said while the importing test file loads, so under its name: a skip must never pass unnoticed.
if (!serverUrl)
  console.warn('Skipped: the run of this file on PostgreSQL (set TEST_DATABASE_URL to run it).');

/** A running reference app and the fake Claude it talks to. */
export interface RunningApp {
  app: AppProcess;
  claude: FakeLlmServer;
}

/**
 * Runs `scenario`, titled `title`, against the reference app on each storage, with `env` added
 * to its environment (read once the suite's hooks have run, e.g. a receiver's port).
 */
export function onEveryStorage(
  title: string,
  scenario: (running: RunningApp) => Promise<void>,
  env: () => Record<string, string> = () => ({}),
) {
  const running: Partial<RunningApp> = {};
  beforeAll(async () => {
    running.claude = await startFakeAnthropic();
    running.claude.respond(demoResponder('anthropic'));
  });
  afterAll(() => running.claude?.close());

  /** The app on its own data folder, with `env`; stopped after the describe's tests. */
  const appOn = (env: () => Record<string, string>) => {
    const own: Partial<RunningApp> & { dir?: { remove(): Promise<void> } } = {};
    beforeAll(async () => {
      const data = await tempDataDir();
      own.dir = data;
      own.claude = running.claude;
      own.app = await startApp({
        DATA_DIR: data.dir,
        LLM_PROVIDERS: 'anthropic',
        ANTHROPIC_API_KEY: 'sk-test',
        ANTHROPIC_BASE_URL: running.claude!.url,
        ...env(),
      });
    });
    afterAll(async () => {
      await own.app?.stop('SIGKILL');
      await own.dir?.remove();
    });
    return own as RunningApp;
  };

  describe('on embedded storage (PGlite)', () => {
    const app = appOn(env);
    it(title, () => scenario(app));
  });

  describe.skipIf(!serverUrl)('on PostgreSQL (needs PostgreSQL: set TEST_DATABASE_URL)', () => {
    const database = `uaip_app_${randomBytes(4).toString('hex')}`;
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    beforeAll(() => admin(`create database ${database}`));
    afterAll(() => admin(`drop database if exists ${database} with (force)`));
    const app = appOn(() => {
      const url = new URL(serverUrl!);
      url.pathname = `/${database}`;
      return { DATABASE_URL: url.toString(), ...env() };
    });
    it(title, () => scenario(app));
  });
}
