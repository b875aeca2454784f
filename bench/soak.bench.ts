import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { demoResponder, startFakeAnthropic } from '@uaip/core/testing';
import pg from 'pg';
import { type BenchReport, median, percentile } from './harness';
import { type App, startApp } from './soak/app';
import { census, growth, totalSize } from './soak/heap-census';
import {
  connections,
  databaseSize,
  heapSnapshot,
  largestTables,
  type Memory,
  memoryAfterGc,
  startSampler,
} from './soak/probes';
import {
  MAX_IN_FLIGHT,
  SESSIONS_PER_USER,
  type Stats,
  startWorkload,
  USERS,
} from './soak/workload';
import { cpuSecondsOf, SERVER_URL, withThrowawayDatabase } from './support';

// Soak (quality-bars.md): the real reference app under steady load for SOAK_MINUTES (default
// 10, fractions allowed) at half its measured throughput. Goals: heap growth < 10 %, no
// unhandled rejections, no leaked database clients, every response the expected status.
//
// The app (soak/app.ts) runs with NODE_ENV=production, PostgreSQL (a throw-away database, also
// for the rate limits) and the real Anthropic SDK against the fake Anthropic server in this
// process (demo replies after LLM_LATENCY_MS). Simulated users (soak/workload.ts) first call
// closed-loop at full speed to measure the throughput, then open-loop at half that rate.
//
// Memory is heapUsed after forced full collections in the app (soak/gc-probe.cjs): once the
// soak has settled, once a minute, and at the end; the goal compares the end with the first.
// SOAK_SNAPSHOTS=1 also takes heap snapshots at those two points and reports what grew between
// them by constructor (writing one stops the app for seconds and swells its RSS: latencies and
// RSS mean little in that mode).

const SOAK_MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const SNAPSHOTS = process.env.SOAK_SNAPSHOTS === '1';
const LLM_LATENCY_MS = 30;
const WARMUP_S = 10;
const THROUGHPUT_S = 30;
const SAMPLE_MS = 2_000;
const MEMORY_EVERY_S = 60;
const IDLE_S = 5;
const POOL_SIZE = 10;
const HIGH = '1000000000'; // rate limits no simulated user reaches
const METRICS_TOKEN = 'soak-metrics-token';
const MB = 1024 * 1024;

type FakeAnthropic = Awaited<ReturnType<typeof startFakeAnthropic>>;

export default async function run(): Promise<BenchReport> {
  if (!(SOAK_MINUTES > 0)) throw new Error(`SOAK_MINUTES must be a positive number`);
  const claude = await startFakeAnthropic();
  claude.respond(demoResponder('anthropic'));
  claude.setLatency(LLM_LATENCY_MS);
  const dataDir = await mkdtemp(join(tmpdir(), 'uaip-soak-'));
  const snapshotDir = join(dataDir, 'snapshots');
  await mkdir(snapshotDir);
  const admin = new pg.Client({ connectionString: SERVER_URL, application_name: 'uaip-soak' });
  await admin.connect();
  try {
    return await withThrowawayDatabase(async (DATABASE_URL) => {
      const app = await startApp({
        NODE_ENV: 'production',
        PORT: '0',
        DATABASE_URL,
        DATABASE_POOL_SIZE: String(POOL_SIZE),
        DATA_DIR: dataDir,
        JWT_SECRET: 'soak-secret-of-at-least-thirty-two-bytes!',
        LLM_PROVIDERS: 'anthropic',
        ANTHROPIC_API_KEY: 'sk-soak',
        ANTHROPIC_BASE_URL: claude.url,
        RATE_LIMIT_USER_PER_HOUR: HIGH,
        RATE_LIMIT_LLM_PER_HOUR: HIGH,
        RATE_LIMIT_GLOBAL_PER_HOUR: HIGH,
        RATE_LIMIT_ANONYMOUS_PER_HOUR: HIGH,
        RATE_LIMIT_REGISTER_PER_HOUR: HIGH,
        METRICS_TOKEN,
        LOG_LEVEL: 'info',
        ...(SNAPSHOTS ? { UAIP_SOAK_SNAPSHOT_DIR: snapshotDir } : {}),
      });
      try {
        return await soak(app, claude, admin, DATABASE_URL);
      } finally {
        await app.stop(); // a second stop after the one in soak() just waits for the exit
      }
    });
  } finally {
    await claude.close();
    await admin.end();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** A forced-GC memory sample, `t` seconds into the soak (Infinity: after it). */
type Point = Memory & { t: number };

async function soak(
  app: App,
  claude: FakeAnthropic,
  admin: pg.Client,
  databaseUrl: string,
): Promise<BenchReport> {
  const soakSeconds = SOAK_MINUTES * 60;
  const database = new URL(databaseUrl).pathname.slice(1);
  const workload = await startWorkload(app.url);
  const sampler = startSampler({
    url: app.url,
    metricsToken: METRICS_TOKEN,
    admin,
    database,
    everyMs: SAMPLE_MS,
  });
  // The fake server records every request it gets; this run does not need them.
  const forget = setInterval(() => claude.requests.splice(0), SAMPLE_MS);
  try {
    await workload.closedLoop(WARMUP_S);
    const full = await workload.closedLoop(THROUGHPUT_S);
    const fullRate = full.ok / THROUGHPUT_S;
    const rate = fullRate / 2;
    await workload.drained();

    const soakStart = performance.now();
    const cpuBefore = cpuSecondsOf(app.child.pid!);
    const dbSizeBefore = await databaseSize(admin, database);
    const snapshots: string[] = [];
    // The first forced-GC sample once the app has left the full-speed phase behind (sessions
    // per user, connections and caches at the soak's level), then one a minute.
    const settle = Math.min(30, soakSeconds / 10);
    const points: Point[] = [];
    const times = [settle];
    for (let t = MEMORY_EVERY_S; t < soakSeconds - 10; t += MEMORY_EVERY_S) times.push(t);
    const watching = (async () => {
      for (const t of times) {
        await sleep(Math.max(0, soakStart + t * 1000 - performance.now()));
        points.push({ ...(await memoryAfterGc(app)), t });
        if (SNAPSHOTS && t === settle) snapshots.push(await heapSnapshot(app));
      }
    })();
    // Both to their end: a failed probe must not leave the load running after the app stopped.
    let probeFailure: unknown;
    const [soaked] = await Promise.all([
      workload.openLoop(rate, soakSeconds),
      watching.catch((error: unknown) => {
        probeFailure = error;
      }),
    ]);
    if (probeFailure) throw probeFailure;
    const soakElapsed = (performance.now() - soakStart) / 1000;
    const cpu = cpuSecondsOf(app.child.pid!) - cpuBefore;
    await workload.drained();
    sampler.stop();
    // The last one with no call in flight (the others had a few).
    points.push({ ...(await memoryAfterGc(app)), t: Number.POSITIVE_INFINITY });
    if (SNAPSHOTS) snapshots.push(await heapSnapshot(app));
    const dbSizeAfter = await databaseSize(admin, database);
    const tables = await largestTables(databaseUrl);

    // After the load and a few idle seconds: the pool may keep idle clients, but no more than
    // its size, and none may be in a query or a transaction.
    await sleep(IDLE_S * 1000);
    const idle = await connections(admin, database);
    const leakedIdle =
      Math.max(0, idle.pool - POOL_SIZE) +
      Math.max(0, idle.listeners - 1) +
      (idle.total - idle.pool - idle.listeners) +
      idle.busy;
    const aliveAtEnd = app.alive();
    const exit = await app.stop();
    // A backend goes a moment after its client hung up.
    let after = await connections(admin, database);
    for (let tries = 0; tries < 50 && after.total > 0; tries++) {
      await sleep(100);
      after = await connections(admin, database);
    }

    const first = points[0]!;
    const last = points.at(-1)!;
    const soakSamples = sampler.samples.filter(
      (s) => s.at >= soakStart && s.at <= soakStart + soakElapsed * 1000,
    );
    const lags = soakSamples.map((s) => s.lagP99);
    const unhandled = app.crashLines + (aliveAtEnd ? 0 : 1);
    const errorList = (stats: Stats) =>
      [...stats.errors].map(([what, n]) => `${n}x ${what}`).join('; ') || 'none';
    const perKind = (stats: Stats) =>
      [...stats.byKind]
        .map(([kind, ms]) => `${kind} ${ms.length} (p99 ${percentile(ms, 99).toFixed(0)} ms)`)
        .join(', ');
    const mb = (bytes: number) => (bytes / MB).toFixed(1);
    const series = (field: keyof Memory) =>
      points
        .map((p) => `${Number.isFinite(p.t) ? `${p.t.toFixed(0)} s` : 'end'} ${mb(p[field])}`)
        .join(', ');

    return {
      backend: 'postgres',
      measurements: [
        { name: 'throughput, closed loop (full speed)', value: fullRate, unit: 'calls/s' },
        { name: 'soak: target rate (half)', value: rate, unit: 'calls/s' },
        { name: 'soak: achieved rate', value: soaked.ok / soakElapsed, unit: 'calls/s' },
        { name: 'soak: duration', value: soakElapsed / 60, unit: 'min' },
        { name: 'soak: calls', value: soaked.ok, unit: 'calls' },
        { name: 'soak: p50', value: percentile(soaked.latencies, 50), unit: 'ms' },
        { name: 'soak: p99', value: percentile(soaked.latencies, 99), unit: 'ms' },
        { name: 'soak: app CPU per call', value: (cpu / soaked.ok) * 1000, unit: 'ms' },
        { name: 'soak: heap used after forced GC, start', value: first.heapUsed / MB, unit: 'MB' },
        { name: 'soak: heap used after forced GC, end', value: last.heapUsed / MB, unit: 'MB' },
        {
          name: 'soak: heap used growth after forced GC (end vs start)',
          value: (last.heapUsed / first.heapUsed - 1) * 100,
          unit: '%',
          goal: { op: '<=', value: 10 },
        },
        {
          name: 'soak: RSS growth after forced GC (end vs start)',
          value: (last.rss / first.rss - 1) * 100,
          unit: '%',
        },
        { name: 'soak: event-loop lag p99 (median of samples)', value: median(lags), unit: 'ms' },
        { name: 'soak: event-loop lag p99 (worst sample)', value: Math.max(...lags), unit: 'ms' },
        {
          name: 'soak: peak database connections',
          value: Math.max(...soakSamples.map((s) => s.connections)),
          unit: 'connections',
        },
        {
          name: 'soak: peak connections active or in a transaction',
          value: Math.max(...soakSamples.map((s) => s.busyConnections)),
          unit: 'connections',
        },
        {
          name: 'unexpected responses, failed and dropped calls (both phases)',
          value: full.errorCount + soaked.errorCount,
          unit: 'calls',
          goal: { op: '<=', value: 0 },
        },
        {
          name: 'unhandled rejections and uncaught exceptions (the app dying counts 1)',
          value: unhandled,
          unit: 'events',
          goal: { op: '<=', value: 0 },
        },
        {
          name: 'app log lines at level error or above',
          value: app.errorLines,
          unit: 'lines',
          goal: { op: '<=', value: 0 },
        },
        {
          name: 'leaked clients after the load (over the pool, or busy)',
          value: leakedIdle,
          unit: 'connections',
          goal: { op: '<=', value: 0 },
        },
        {
          name: 'leaked clients after SIGTERM',
          value: after.total,
          unit: 'connections',
          goal: { op: '<=', value: 0 },
        },
      ],
      notes: [
        `the reference app (its build, dist/main.js, as npm start runs it; NODE_ENV=production, plus --expose-gc and the bench's gc-probe.cjs preload) on a throw-away PostgreSQL database (pool of ${POOL_SIZE}, rate limits in PostgreSQL, set too high to refuse anything), the real Anthropic SDK against the fake Anthropic server in the bench process (demo replies after ${LLM_LATENCY_MS} ms)`,
        `${USERS} users, each keeping ${SESSIONS_PER_USER} active sessions: answers (one in five vague, each with an Idempotency-Key), replays of the last key, GET session / turns / usage, lists, /auth/me, event streams held 1-3 s, charters of completed sessions then their deletion, and now and then an abandoned session deleted`,
        `throughput: ${WARMUP_S} s warm-up, then ${THROUGHPUT_S} s closed loop with ${USERS} users calling back to back (${full.ok} calls, p50 ${percentile(full.latencies, 50).toFixed(0)} ms, p99 ${percentile(full.latencies, 99).toFixed(0)} ms, ${full.errorCount} errors; ${perKind(full)})`,
        `soak: open loop at ${rate.toFixed(1)} calls/s for ${(soakElapsed / 60).toFixed(2)} min, latency from each call's scheduled time; ${perKind(soaked)}`,
        `memory after two forced full collections in the app (SIGUSR2 to its gc-probe.cjs), ${settle.toFixed(0)} s into the soak, every ${MEMORY_EVERY_S} s, and at the end with no call in flight; heap used (MB): ${series('heapUsed')}; RSS (MB): ${series('rss')}; heap total (MB): ${series('heapTotal')}; external (MB): ${series('external')}, of which array buffers (MB): ${series('arrayBuffers')}`,
        ...(SNAPSHOTS ? [await snapshotGrowth(snapshots)] : []),
        `database size: ${mb(dbSizeBefore)} MB before the soak, ${mb(dbSizeAfter)} MB after; largest tables after: ${tables}`,
        `connections ${IDLE_S} s after the load: ${idle.detail}; after SIGTERM: ${after.detail}; app exit ${exit}${aliveAtEnd ? '' : ' (it had died during the run)'}`,
        `errors, throughput phase: ${errorList(full)}; soak: ${errorList(soaked)}${soaked.dropped ? `; ${soaked.dropped} arrivals dropped (over ${MAX_IN_FLIGHT} in flight)` : ''}`,
        ...(sampler.failed ? [`${sampler.failed} passive samples failed`] : []),
        ...[...app.notable].map(
          ([message, n]) => `app log (warn and above, stderr): ${n}x ${message}`,
        ),
      ],
    };
  } finally {
    sampler.stop();
    clearInterval(forget);
  }
}

/** What grew between the first and the last heap snapshot, by constructor, for a note. */
async function snapshotGrowth([start, end]: string[]): Promise<string> {
  const before = await census(start!);
  const after = await census(end!);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} kB`;
  const grown = growth(before, after)
    .map((g) => `${g.key} ${g.count >= 0 ? '+' : ''}${g.count} (from ${g.from}), ${kb(g.size)}`)
    .join('; ');
  return `heap snapshots (start, end): ${kb(totalSize(before))} -> ${kb(totalSize(after))}; most grown (objects by constructor, closures by name, the rest by type): ${grown}`;
}
