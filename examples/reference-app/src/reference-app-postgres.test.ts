import { randomBytes } from 'node:crypto';
import { demoResponder, type FakeLlmServer, startFakeAnthropic } from '@uaip/core/testing';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, signIn, startApp, tempDataDir } from './app-process.test-support';

// Needs a PostgreSQL server: TEST_DATABASE_URL (set by .ci/run). Each run gets its own database.
const serverUrl = process.env.TEST_DATABASE_URL;
if (!serverUrl && process.env.UAIP_REQUIRE_SERVICES === '1') {
  throw new Error('TEST_DATABASE_URL is not set, and UAIP_REQUIRE_SERVICES=1 forbids skipping');
}
// Said in the run's output under this file's name: a skip must never pass unnoticed.
if (!serverUrl)
  console.warn(
    'Skipped: the tests of this file that need PostgreSQL (set TEST_DATABASE_URL to run them).',
  );

const RICH =
  'Retention agents at Acme Telecom will call the 2,000 prepaid customers most likely to churn each week; churn is 8% per month today and should reach 5% by September 2027, measured from billing deactivations.';

describe.skipIf(!serverUrl)(
  'the reference app on PostgreSQL (needs PostgreSQL: set TEST_DATABASE_URL)',
  () => {
    let claude: FakeLlmServer;
    let databaseUrl: string;
    let database: string;
    const apps: AppProcess[] = [];
    const dirs: Array<{ remove(): Promise<void> }> = [];

    async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        return await work(client);
      } finally {
        await client.end();
      }
    }

    beforeAll(async () => {
      claude = await startFakeAnthropic();
      claude.respond(demoResponder('anthropic'));
      database = `uaip_app_${randomBytes(4).toString('hex')}`;
      await admin((client) => client.query(`create database ${database}`));
      const url = new URL(serverUrl!);
      url.pathname = `/${database}`;
      databaseUrl = url.toString();
    });
    afterAll(async () => {
      await claude.close();
      await admin((client) => client.query(`drop database if exists ${database} with (force)`));
    });
    afterEach(async () => {
      for (const app of apps.splice(0)) await app.stop('SIGKILL');
      for (const dir of dirs.splice(0)) await dir.remove();
      claude.setLatency(0);
    });

    async function launch(env: Record<string, string> = {}) {
      const dir = await tempDataDir();
      dirs.push(dir);
      const app = await startApp({
        DATA_DIR: dir.dir,
        DATABASE_URL: databaseUrl,
        // Both instances must accept each other's tokens.
        JWT_SECRET: 'shared-secret-of-the-two-instances-1234',
        LLM_PROVIDERS: 'anthropic',
        ANTHROPIC_API_KEY: 'sk-test',
        ANTHROPIC_BASE_URL: claude.url,
        ...env,
      });
      apps.push(app);
      return app;
    }

    it('keeps an acknowledged turn through kill -9 and continues after a restart', async () => {
      const first = await launch();
      expect(first.output()).toMatch(/storage: PostgreSQL at postgres/);
      const token = await signIn(first);
      const created = (
        await first.call('POST', '/api/v1/sessions', { token, body: { idea: 'Predict churn' } })
      ).json;
      const answered = await first.call('POST', `/api/v1/sessions/${created.id}/answers`, {
        token,
        body: { questionId: created.pendingQuestion.id, answer: 'not sure, maybe' },
      });
      const acknowledged = answered.json.session;
      await first.stop('SIGKILL');
      const second = await launch();
      const resumed = (await second.call('GET', `/api/v1/sessions/${created.id}`, { token })).json;
      expect(resumed).toMatchObject({
        version: acknowledged.version,
        pendingQuestion: acknowledged.pendingQuestion,
      });
    });

    it('runs two instances on one database: one answer wins, limits are shared, events reach both', async () => {
      const [a, b] = await Promise.all([
        launch({ RATE_LIMIT_USER_PER_HOUR: '12' }),
        launch({ RATE_LIMIT_USER_PER_HOUR: '12' }),
      ]);
      const token = await signIn(a);
      const created = (
        await a.call('POST', '/api/v1/sessions', { token, body: { idea: 'Predict churn' } })
      ).json;

      // An SSE client on B hears a turn made through A.
      const stream = await fetch(`${b.url}/api/v1/sessions/${created.id}/events`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(stream.status).toBe(200);
      const reader = stream.body!.getReader();
      let received = '';
      const heard = (async () => {
        const decoder = new TextDecoder();
        while (!received.includes('event: question.asked')) {
          const { value, done } = await reader.read();
          if (done) break;
          received += decoder.decode(value);
        }
      })();

      // Concurrent answers to one question through both instances: exactly one wins.
      claude.setLatency(300);
      const body = { questionId: created.pendingQuestion.id, answer: RICH };
      const results = await Promise.all([
        a.call('POST', `/api/v1/sessions/${created.id}/answers`, { token, body }),
        b.call('POST', `/api/v1/sessions/${created.id}/answers`, { token, body }),
      ]);
      expect(results.map((result) => result.status).sort()).toEqual([200, 409]);
      await heard;
      await reader.cancel();
      expect(received).toContain('event: turn.started');
      expect(received).toContain('event: answer.scored');

      // The per-user limit (12/h) is one counter across both instances.
      const statuses: number[] = [];
      for (let index = 0; index < 12; index++) {
        statuses.push(
          (await (index % 2 ? a : b).call('GET', `/api/v1/sessions/${created.id}`, { token }))
            .status,
        );
      }
      expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
      const limited = await a.call('GET', '/api/v1/sessions', { token });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('ratelimit-policy')).toBe('"user";q=12;w=3600');
    });
  },
);
