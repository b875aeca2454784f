import { demoResponder, type FakeLlmServer, startFakeAnthropic } from '@uaip/core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, signIn, startApp, tempDataDir } from './app-process.test-support';

const RICH =
  'Retention agents at Acme Telecom will call the 2,000 prepaid customers most likely to churn each week; churn is 8% per month today and should reach 5% by September 2027, measured from billing deactivations, worth 2.4 million EUR a year.';

let claude: FakeLlmServer;
const apps: AppProcess[] = [];
const dirs: Array<{ remove(): Promise<void> }> = [];

beforeAll(async () => {
  claude = await startFakeAnthropic();
  claude.respond(demoResponder('anthropic'));
});
afterAll(() => claude.close());
afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop('SIGKILL');
  for (const dir of dirs.splice(0)) await dir.remove();
  claude.setLatency(0);
});

async function launch(env: Record<string, string> = {}, dataDir?: string) {
  const dir = dataDir ? undefined : await tempDataDir();
  if (dir) dirs.push(dir);
  const app = await startApp({
    DATA_DIR: dataDir ?? dir!.dir,
    LLM_PROVIDERS: 'anthropic',
    ANTHROPIC_API_KEY: 'sk-test',
    ANTHROPIC_BASE_URL: claude.url,
    ...env,
  });
  apps.push(app);
  return app;
}

async function answerPending(app: AppProcess, token: string, sessionId: string, answer = RICH) {
  const session = (await app.call('GET', `/api/v1/sessions/${sessionId}`, { token })).json;
  return app.call('POST', `/api/v1/sessions/${sessionId}/answers`, {
    token,
    body: { questionId: session.pendingQuestion.id, answer },
  });
}

describe('the reference app on embedded storage', () => {
  it('prints one start-up line, runs a full U-AIP session and serves the charter in three formats', async () => {
    const app = await launch();
    const startLines = app
      .output()
      .split('\n')
      .filter((line) => line.includes('uaip listening on'));
    expect(startLines).toHaveLength(1);
    expect(startLines[0]).toMatch(/storage: embedded PostgreSQL \(PGlite\)/);
    expect(startLines[0]).toMatch(/anthropic \(claude-haiku-5-5, claude-sonnet-5-5\): reachable/);

    const token = await signIn(app);
    const created = await app.call('POST', '/api/v1/sessions', {
      token,
      body: { idea: 'Predict churn of prepaid customers' },
    });
    let session = created.json;
    for (let turn = 0; turn < 80 && session.pendingQuestion; turn++) {
      session = (await answerPending(app, token, session.id)).json.session;
    }
    expect(session.status).toBe('completed');
    const json = await app.call('GET', `/api/v1/sessions/${session.id}/charter`, { token });
    expect(json.json).toMatchObject({ kind: 'uaip-charter', sessionId: session.id });
    const markdown = await app.call('GET', `/api/v1/sessions/${session.id}/charter?format=md`, {
      token,
    });
    expect(markdown.text).toContain('## 5. Ethical Governance');
    const html = await app.call('GET', `/api/v1/sessions/${session.id}/charter?format=html`, {
      token,
    });
    expect(html.text).toContain('<h2>Approval</h2>');
  });

  it('keeps an acknowledged turn through kill -9: after a restart the session continues where it was', async () => {
    const data = await tempDataDir();
    dirs.push(data);
    const first = await launch({}, data.dir);
    const token = await signIn(first, 'durable@example.com');
    const created = (
      await first.call('POST', '/api/v1/sessions', { token, body: { idea: 'Predict churn' } })
    ).json;
    const vague = await answerPending(first, token, created.id, 'not sure, maybe');
    expect(vague.status).toBe(200);
    const acknowledged = vague.json.session;
    expect(acknowledged.pendingQuestion.attempt).toBe(2);
    await first.stop('SIGKILL');

    const second = await launch({}, data.dir);
    // The generated JWT secret was kept in DATA_DIR, so the token still works.
    const resumed = (await second.call('GET', `/api/v1/sessions/${created.id}`, { token })).json;
    expect(resumed.version).toBe(acknowledged.version);
    expect(resumed.pendingQuestion).toEqual(acknowledged.pendingQuestion);
    const next = await answerPending(second, token, created.id);
    expect(next.status).toBe(200);
    expect(next.json.session.version).toBe(acknowledged.version + 1);
  });

  it('finishes a turn in flight before exiting on SIGTERM', async () => {
    const app = await launch();
    const token = await signIn(app);
    const created = (
      await app.call('POST', '/api/v1/sessions', { token, body: { idea: 'Predict churn' } })
    ).json;
    claude.setLatency(800);
    const seen = claude.generationRequests().length;
    const turn = app.call('POST', `/api/v1/sessions/${created.id}/answers`, {
      token,
      body: { questionId: created.pendingQuestion.id, answer: RICH },
    });
    // In flight once its scoring call reached the model (earlier tests' calls not counted).
    await expect
      .poll(() => claude.generationRequests().length, { timeout: 5_000 })
      .toBeGreaterThan(seen);
    const exitCode = app.stop('SIGTERM');
    const response = await turn;
    expect(response.status).toBe(200);
    expect(response.json.outcome.kind).toBe('accepted');
    expect(await exitCode).toBe(0);
    expect(app.output()).toMatch(/"msg":"stopped"/);
  });

  it('starts without any reachable LLM: /health is degraded and a turn says how to configure one', async () => {
    const app = await launch({
      LLM_PROVIDERS: 'anthropic,ollama',
      ANTHROPIC_API_KEY: '',
      OLLAMA_HOST: 'http://127.0.0.1:9',
      LLM_TIMEOUT_MS: '2000',
    });
    expect(app.output()).toMatch(
      /no LLM provider is reachable\. To configure a model: set ANTHROPIC_API_KEY/,
    );
    const health = await app.call('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({
      status: 'degraded',
      checks: { storage: { ok: true }, llm: [{ provider: 'ollama', ok: false }] },
    });
    const token = await signIn(app);
    const created = (
      await app.call('POST', '/api/v1/sessions', { token, body: { idea: 'Predict churn' } })
    ).json;
    const turn = await answerPending(app, token, created.id);
    expect(turn.status).toBe(503);
    expect(turn.json.error.code).toBe('llm_unavailable');
    expect(turn.json.error.message).toContain('LLM_PROVIDERS=demo');
  });

  it('refuses to start in production without a JWT secret, and with a bad setting', async () => {
    await expect(launch({ NODE_ENV: 'production' })).rejects.toThrow(
      /JWT_SECRET is required when NODE_ENV=production/,
    );
    await expect(launch({ BCRYPT_COST: '9' })).rejects.toThrow(
      /BCRYPT_COST must be a whole number from 10 to 15/,
    );
    await expect(launch({ JWT_SECRET: 'short' })).rejects.toThrow(
      /JWT_SECRET must be at least 32 bytes/,
    );
  });
});
