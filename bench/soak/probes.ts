import pg from 'pg';
import type { App } from './app';

// What the soak measures besides the calls: the app's memory after forced full collections and
// its heap snapshots (both through gc-probe.cjs), its /metrics (event-loop lag) and the
// database (connections from pg_stat_activity, size, largest tables).

/** process.memoryUsage() of the app right after two full collections. */
export interface Memory {
  heapUsed: number;
  heapTotal: number;
  rss: number;
  external: number;
  arrayBuffers: number;
}

export async function memoryAfterGc(app: App): Promise<Memory> {
  return (await app.probe('SIGUSR2', 'memory')) as Memory;
}

/** Writes a heap snapshot of the app (only if started with UAIP_SOAK_SNAPSHOT_DIR); its file. */
export async function heapSnapshot(app: App): Promise<string> {
  return ((await app.probe('SIGHUP', 'snapshot')) as { file: string }).file;
}

// ---------------------------------------------------------------------------------------------
// Passive samples, taken every few seconds through every phase

export interface Sample {
  /** performance.now() when taken. */
  at: number;
  /** The event loop's p99 delay over prom-client's last monitoring interval. */
  lagP99: number;
  connections: number;
  /** Connections 'active' or 'idle in transaction'. */
  busyConnections: number;
}

export interface Sampler {
  readonly samples: Sample[];
  /** Samples that could not be taken. */
  readonly failed: number;
  stop(): void;
}

export function startSampler(options: {
  url: string;
  metricsToken: string;
  admin: pg.Client;
  database: string;
  everyMs: number;
}): Sampler {
  const sampler = { samples: [] as Sample[], failed: 0, stop: () => clearInterval(timer) };
  const timer = setInterval(() => {
    sample(options).then(
      (s) => sampler.samples.push(s),
      () => sampler.failed++,
    );
  }, options.everyMs);
  return sampler;
}

async function sample(options: {
  url: string;
  metricsToken: string;
  admin: pg.Client;
  database: string;
}): Promise<Sample> {
  const at = performance.now();
  const response = await fetch(`${options.url}/metrics`, {
    headers: { authorization: `Bearer ${options.metricsToken}` },
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  const db = await connections(options.admin, options.database);
  return {
    at,
    lagP99: metric(text, 'nodejs_eventloop_lag_p99_seconds') * 1000,
    connections: db.total,
    busyConnections: db.busy,
  };
}

/** A value of prom-client's text format (the first series of that name). */
function metric(text: string, name: string): number {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

// ---------------------------------------------------------------------------------------------
// The database

export interface Connections {
  total: number;
  busy: number;
  /** The app's pool (application_name uaip). */
  pool: number;
  /** The event bus's LISTEN connection (uaip-events:…), held open on purpose. */
  listeners: number;
  detail: string;
}

/** The connections to `database` but the bench's own (application_name uaip-soak). */
export async function connections(admin: pg.Client, database: string): Promise<Connections> {
  const { rows } = await admin.query<{ app: string; state: string | null; n: number }>(
    `select application_name as app, state, count(*)::int as n from pg_stat_activity
      where datname = $1 and application_name <> 'uaip-soak' group by 1, 2 order by 1, 2`,
    [database],
  );
  const sum = (keep: (row: (typeof rows)[number]) => boolean) =>
    rows.filter(keep).reduce((total, row) => total + row.n, 0);
  return {
    total: sum(() => true),
    busy: sum((row) => row.state === 'active' || (row.state ?? '').startsWith('idle in')),
    pool: sum((row) => row.app === 'uaip'),
    listeners: sum((row) => row.app.startsWith('uaip-events')),
    detail: rows.map((row) => `${row.app || '?'}/${row.state}=${row.n}`).join(' ') || 'none',
  };
}

export async function databaseSize(admin: pg.Client, database: string): Promise<number> {
  const { rows } = await admin.query<{ size: string }>('select pg_database_size($1) as size', [
    database,
  ]);
  return Number(rows[0]!.size);
}

/** The biggest tables of the database at `url`, with their live rows, for the notes. */
export async function largestTables(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, application_name: 'uaip-soak' });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; size: string; rows: string }>(
      `select relname as name, pg_size_pretty(pg_total_relation_size(relid)) as size,
              n_live_tup as rows
         from pg_stat_user_tables order by pg_total_relation_size(relid) desc limit 5`,
    );
    return rows.map((row) => `${row.name} ${row.size} (${row.rows} rows)`).join(', ');
  } finally {
    await client.end();
  }
}
