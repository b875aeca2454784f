import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/**
 * A PostgreSQL cluster of the test's own (`initdb` in a temp folder, on a free port), for tests
 * that stop or break the server: never the shared one on 5432. Server binaries refuse to run as
 * root, so everything runs as the `postgres` user through `runuser`, which needs root.
 */
export interface ThrowawayCluster {
  port: number;
  /** `postgres://postgres@127.0.0.1:<port>/<database>` */
  url(database?: string): string;
  /** Runs one statement on a fresh connection to `database` (the server may have restarted). */
  query<T extends pg.QueryResultRow>(
    sql: string,
    params?: unknown[],
    database?: string,
  ): Promise<T[]>;
  /** `pg_ctl stop -m <mode>`. */
  stop(mode?: 'smart' | 'fast' | 'immediate'): Promise<void>;
  /** `pg_ctl start`, on the same port; resolves once it accepts connections. */
  start(): Promise<void>;
  /**
   * SIGSTOPs the server and its processes: connections stay open and nothing answers, like a
   * hung server or a network that drops packets. `thaw()` resumes them.
   */
  freeze(): void;
  thaw(): void;
  /** Stops the server (immediate) and deletes its folder; safe to call twice. */
  destroy(): Promise<void>;
}

/** The newest `/usr/lib/postgresql/<version>/bin` that has `initdb`, if any. */
function serverBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

/** Why a throw-away cluster cannot be made here, or `undefined` when it can. */
export function throwawayClusterUnavailable(): string | undefined {
  if (!serverBinaries()) return 'no PostgreSQL server binaries (initdb) under /usr/lib/postgresql';
  if (process.getuid?.() !== 0) return `not root (running as ${userInfo().username})`;
  if (!existsSync('/usr/sbin/runuser') && !existsSync('/usr/bin/runuser')) return 'no runuser';
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
  } catch {
    return 'no postgres user';
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Creates and starts a cluster; `destroy()` it in `afterAll` (it is also stopped at exit). */
export async function startThrowawayCluster(): Promise<ThrowawayCluster> {
  const bin = serverBinaries();
  if (!bin) throw new Error('no PostgreSQL server binaries (initdb) under /usr/lib/postgresql');
  const root = await mkdtemp(join(tmpdir(), 'uaip-pgc-'));
  chownSync(root, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), 0);
  const data = join(root, 'data');
  const asPostgres = (tool: string, args: string[], timeout = 60_000) =>
    run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { timeout });
  const pgCtl = (args: string[]) => asPostgres('pg_ctl', ['-D', data, ...args]);
  let port = 0;
  let destroyed = false;
  let frozen: number[] = [];
  /** The postmaster (from its pid file: never another cluster's) and its children. */
  const serverProcesses = (): number[] => {
    const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = execFileSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
    return [postmaster, ...children];
  };
  const thaw = () => {
    for (const pid of frozen.splice(0)) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // gone
      }
    }
  };
  // A cluster left running by a crashed test run would outlive it: stop it at exit in any case.
  const onExit = () => {
    thaw();
    try {
      execFileSync(
        'runuser',
        ['-u', 'postgres', '--', join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop'],
        {
          stdio: 'ignore',
          timeout: 10_000,
        },
      );
    } catch {
      // already stopped
    }
  };

  const start = async () => {
    // The socket goes in the cluster's own folder; TCP on loopback only.
    await pgCtl([
      '-o',
      `-p ${port} -k ${root} -c listen_addresses=127.0.0.1`,
      '-l',
      join(root, 'server.log'),
      '-w',
      '-t',
      '60',
      'start',
    ]);
  };

  const cluster: ThrowawayCluster = {
    get port() {
      return port;
    },
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async query<T extends pg.QueryResultRow>(
      sql: string,
      params: unknown[] = [],
      database = 'postgres',
    ) {
      const client = new pg.Client({
        connectionString: cluster.url(database),
        connectionTimeoutMillis: 5_000,
      });
      await client.connect();
      try {
        return (await client.query<T>(sql, params)).rows;
      } finally {
        await client.end();
      }
    },
    async stop(mode = 'fast') {
      await pgCtl(['-m', mode, '-w', '-t', '60', 'stop']);
    },
    start,
    freeze() {
      frozen = serverProcesses();
      for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    },
    thaw,
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      process.off('exit', onExit);
      onExit();
      await rm(root, { recursive: true, force: true });
    },
  };

  try {
    process.on('exit', onExit);
    // --no-sync: initdb's own fsyncs only; the server keeps its defaults (fsync on).
    await asPostgres('initdb', [
      '-D',
      data,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    // A port found free can be taken before the server binds it: try a few.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await start();
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
    return cluster;
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
}
