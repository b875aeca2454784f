import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type BenchReport, type Measurement, median, percentile } from './harness';
import { startApp } from './soak/app';
import { withThrowawayDatabase } from './support';

// Password hashing must not freeze the server (issue 18): while 40 clients register or log in
// at once, over and over, with bcrypt at its default cost (12), `/health` is polled back to
// back and its latency recorded. Goal: p95 < 50 ms. The reference app runs as `npm start`
// runs it (dist), once on embedded PGlite and once on PostgreSQL. Before the hashing moved off
// the event loop, the same load gave /health a median of 753 ms and a maximum of 17.5 s.

const CLIENTS = 40;
const ROUNDS = 3;
const COST = '12';
const PASSWORD = 'correct horse battery staple';
const HIGH = '1000000000';

export default async function run(): Promise<BenchReport> {
  const measurements: Measurement[] = [];
  const notes: string[] = [];
  const dataDir = await mkdtemp(join(tmpdir(), 'uaip-login-health-'));
  try {
    measurements.push(...(await underLoad('pglite', { DATA_DIR: dataDir }, notes)));
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  await withThrowawayDatabase(async (url) => {
    measurements.push(...(await underLoad('postgres', { DATABASE_URL: url }, notes)));
  });
  return { backend: 'pglite, postgres', measurements, notes };
}

async function underLoad(
  backend: string,
  storageEnv: Record<string, string>,
  notes: string[],
): Promise<Measurement[]> {
  const app = await startApp({
    ...storageEnv,
    PORT: '0',
    NODE_ENV: 'production',
    JWT_SECRET: 'login-health-secret-of-at-least-32-bytes',
    LLM_PROVIDERS: 'demo',
    BCRYPT_COST: COST,
    LOG_LEVEL: 'info', // the start-up line, which startApp waits for, is at info
    RATE_LIMIT_REGISTER_PER_HOUR: HIGH,
    RATE_LIMIT_ANONYMOUS_PER_HOUR: HIGH,
    RATE_LIMIT_LOGIN_PER_15MIN: HIGH,
  });
  try {
    const post = (path: string, body: unknown) =>
      fetch(`${app.url}/api/v1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const emails = Array.from({ length: CLIENTS }, (_, index) => `client${index}@example.com`);

    const registering = await pollHealthDuring(app.url, async () => {
      const statuses = await Promise.all(
        emails.map(
          async (email) => (await post('/auth/register', { email, password: PASSWORD })).status,
        ),
      );
      expectAll(statuses, 201, 'registrations');
    });
    const loggingIn = await pollHealthDuring(app.url, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const statuses = await Promise.all(
          emails.map(
            async (email) => (await post('/auth/login', { email, password: PASSWORD })).status,
          ),
        );
        expectAll(statuses, 200, 'logins');
      }
    });
    notes.push(
      `${backend}: ${CLIENTS} concurrent registrations took ${registering.seconds.toFixed(1)} s; ` +
        `${ROUNDS} rounds of ${CLIENTS} concurrent logins ${loggingIn.seconds.toFixed(1)} s ` +
        `(${registering.latencies.length} and ${loggingIn.latencies.length} health checks)`,
    );
    return [
      ...figures(
        `${backend}, /health during ${CLIENTS} concurrent registrations`,
        registering.latencies,
      ),
      ...figures(`${backend}, /health during ${CLIENTS} concurrent logins`, loggingIn.latencies),
    ];
  } finally {
    await app.stop();
  }
}

function figures(label: string, latencies: number[]): Measurement[] {
  return [
    { name: `${label}, median`, value: median(latencies), unit: 'ms' },
    {
      name: `${label}, p95`,
      value: percentile(latencies, 95),
      unit: 'ms',
      goal: { op: '<=', value: 50 },
    },
    { name: `${label}, max`, value: Math.max(...latencies), unit: 'ms' },
  ];
}

/** Polls `/health` back to back while `work` runs; the latency of each check, in ms. */
async function pollHealthDuring(url: string, work: () => Promise<void>) {
  const latencies: number[] = [];
  let done = false;
  const polling = (async () => {
    while (!done) {
      const started = performance.now();
      const response = await fetch(`${url}/health`);
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`/health answered ${response.status}`);
      latencies.push(performance.now() - started);
    }
  })();
  const started = performance.now();
  try {
    await work();
  } finally {
    done = true;
    await polling;
  }
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

function expectAll(statuses: number[], expected: number, what: string) {
  const wrong = statuses.filter((status) => status !== expected);
  if (wrong.length > 0) throw new Error(`${wrong.length} ${what} answered ${wrong.join(', ')}`);
}
