import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createKoaApp,
  createLogger,
  createMetrics,
  memoryRateLimitStore,
  postgresRateLimitStore,
  type RateLimitStore,
  redisRateLimitStore,
} from '@uaip/adapter-koa';
import {
  createInProcessEventBus,
  createMemoryStorage,
  createOrchestrator,
  createPasswordAuth,
  type Storage,
  tapEventBus,
} from '@uaip/core';
import { uaipWorkflow } from '@uaip/core/uaip';
import { createPgStorage } from '@uaip/storage-pg';
import { Redis } from 'ioredis';
import Koa from 'koa';
import pg from 'pg';
import pino from 'pino';
import { floorApp } from './floor-server';
import { manyTopicWorkflow, scoringProvider } from './support';

// The server side of http-api.bench.ts, in a process of its own so the load generator does not
// share its event loop. Serves one variant on loopback and prints one JSON line when ready:
// its URL, a bearer token, a session to read and sessions to answer.
//   BENCH_VARIANT      bare | floor | full   (floor: see floor-server.ts; needs BENCH_STORAGE=pg)
//   BENCH_STORAGE      pg | memory (full only)
//   BENCH_RATE_LIMITS  memory | redis | postgres (full only)
//   BENCH_STRIP        log | log+metrics: leave out the request log (and metrics) (diagnostic)
//   BENCH_ANSWER_SESSIONS  sessions of the many-topic workflow to create for answering
//   DATABASE_URL, REDIS_URL, BENCH_REDIS_PREFIX

export interface ServerReady {
  url: string;
  token: string;
  sessionId: string;
  answerSessions: Array<{ id: string; questionId: string }>;
}

const env = process.env;
const SECRET = 'bench-secret-of-at-least-thirty-two-bytes';
const HIGH = 1_000_000_000; // rate limits nothing reaches
const benchWorkflow = manyTopicWorkflow(1000);
const idea = 'Predict which customers will cancel next month, so the retention team can call them';
const closers: Array<() => Promise<unknown>> = [];

async function openStorage(): Promise<{ storage: Storage; pool?: pg.Pool }> {
  if (env.BENCH_STORAGE !== 'pg') return { storage: createMemoryStorage() };
  // As the reference app does: one pool for the storage and the PostgreSQL rate-limit store.
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 10 });
  const storage = await createPgStorage({ pool });
  closers.push(() => pool.end());
  return { storage, pool };
}

function rateLimitStore(pool: pg.Pool | undefined): RateLimitStore {
  if (env.BENCH_RATE_LIMITS === 'postgres') {
    if (!pool) throw new Error('the postgres rate-limit store needs BENCH_STORAGE=pg');
    return postgresRateLimitStore(pool, 'bench_rate_limits');
  }
  if (env.BENCH_RATE_LIMITS === 'redis') {
    const redis = new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    closers.push(async () => {
      const keys = await redis.keys(`${env.BENCH_REDIS_PREFIX}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    });
    const store = redisRateLimitStore(redis);
    // A prefix of this run's own, so the shared Redis's other users are not counted with us.
    return (options) =>
      store({ ...options, keyPrefix: `${env.BENCH_REDIS_PREFIX}${options.keyPrefix}` });
  }
  return memoryRateLimitStore();
}

async function main() {
  const { storage, pool } = await openStorage();
  const metrics = createMetrics();
  const orchestrator = createOrchestrator({
    storage,
    llm: scoringProvider(0),
    workflows: [uaipWorkflow, benchWorkflow],
    events: tapEventBus(createInProcessEventBus(), metrics.observeEvent),
  });
  const accounts = createPasswordAuth({ storage, secret: SECRET, bcryptCost: 10 });
  // Unique per process: the variants of one run share the throw-away database.
  const email = `bench-${process.pid}-${Date.now().toString(36)}@example.com`;
  const credentials = { email, password: 'correct horse battery' };
  const user = await accounts.register(credentials);
  const { accessToken } = await accounts.login(credentials);
  const principal = { userId: user.id };
  const session = await orchestrator.start(principal, { workflowId: 'uaip', idea });
  const answerSessions: ServerReady['answerSessions'] = [];
  for (let index = 0; index < Number(env.BENCH_ANSWER_SESSIONS ?? 0); index++) {
    const started = await orchestrator.start(principal, { workflowId: 'bench', idea });
    answerSessions.push({ id: started.id, questionId: started.pendingQuestion!.id });
  }

  let app: Koa;
  if (env.BENCH_VARIANT === 'floor') {
    if (!pool) throw new Error('the floor server needs BENCH_STORAGE=pg');
    app = floorApp(pool, SECRET);
  } else if (env.BENCH_VARIANT === 'bare') {
    // The floor: Koa returning the same JSON, nothing else.
    app = new Koa();
    app.use((ctx) => {
      ctx.body = session;
    });
  } else {
    const strip = env.BENCH_STRIP ?? '';
    const silent = { info() {}, warn() {}, error() {} };
    const destination = pino.destination({ dest: '/dev/null', sync: true });
    app = createKoaApp({
      orchestrator,
      accounts,
      logger: strip.includes('log') ? silent : createLogger({ destination }),
      ...(strip.includes('metrics') ? {} : { metrics }),
      rateLimits: {
        store: rateLimitStore(pool),
        globalPerHour: HIGH,
        userPerHour: HIGH,
        llmPerHour: HIGH,
      },
    }).app;
  }
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const ready: ServerReady = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token: accessToken,
    sessionId: session.id,
    answerSessions,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);

  process.once('SIGTERM', async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    for (const close of closers) await close().catch(() => {});
    process.exit(0);
  });
}

await main();
