import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchReport, Measurement } from './harness';

// How long `npm start` takes to answer /health (issue 20: it rebuilt every package with type
// declarations on every start, 100 s each time). The working tree is copied to a temporary
// folder (tracked and untracked files, not node_modules or dist) and installed with `npm ci`,
// as a fresh clone would be; then `npm start` is timed from the command to the first answer of
// /health: the first start, a second one, one after a change to one package's sources, the
// former start command (a full build every time) for comparison, and a start after that full
// build. Every child runs on the Node.js that runs the benchmark (its folder first on PATH).

const root = join(import.meta.dirname, '..');
const FORMER_START = 'npm run build --silent && node examples/reference-app/dist/main.js';
const SECOND_START_GOAL_S = 5;

export default async function run(): Promise<BenchReport> {
  const copy = mkdtempSync(join(tmpdir(), 'uaip-start-'));
  const dataDir = join(copy, '.data');
  // Embedded storage and in-memory rate limits, whatever the benchmark's own environment says.
  const { DATABASE_URL, REDIS_URL, ...inherited } = process.env;
  const env = {
    ...inherited,
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    PORT: '0',
    DATA_DIR: dataDir,
    LLM_PROVIDERS: 'demo',
  };
  const notes = [`load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores at the start`];
  try {
    copyWorkingTree(copy);
    const installStarted = performance.now();
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: copy,
      env,
      stdio: 'ignore',
    });
    notes.push(`npm ci in the copy: ${seconds(performance.now() - installStarted)} s`);

    const npmStart = ['npm', 'start'];
    const starts: Array<[string, string[], { touch: string }?]> = [
      ['first npm start after npm ci', npmStart],
      ['second npm start', npmStart],
      ['npm start after a change to @uaip/core', npmStart, { touch: 'packages/core/src/index.ts' }],
      ['former npm start (full build with declarations)', ['sh', '-c', FORMER_START]],
      ['npm start after npm run build', npmStart],
    ];
    const measurements: Measurement[] = [];
    for (const [name, command, options] of starts) {
      if (options?.touch) {
        // What saving the file in an editor does to it: a modification time after the build's.
        const now = new Date();
        utimesSync(join(copy, options.touch), now, now);
      }
      const start = await timeStart(copy, command, env);
      const goal =
        name === 'second npm start' ? { op: '<=' as const, value: SECOND_START_GOAL_S } : undefined;
      measurements.push({
        name: `${name}: /health answers`,
        value: start.seconds,
        unit: 's',
        goal,
      });
      notes.push(
        `${name}: ${start.built.length ? `built ${start.built.join(', ')}` : 'built nothing'}`,
      );
    }
    notes.push(`load average ${loadavg()[0]!.toFixed(1)} at the end`);
    return { backend: 'pglite', measurements, notes };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** Copies the files git knows of (tracked, or untracked and not ignored) into `target`. */
function copyWorkingTree(target: string): void {
  const listed = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate'],
    { cwd: root, encoding: 'utf8' },
  );
  for (const file of listed.split('\0').filter(Boolean)) {
    try {
      cpSync(join(root, file), join(target, file), { preserveTimestamps: false });
    } catch (error) {
      // Deleted in the working tree but still in the index: a clone of it would not have it.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

interface Start {
  seconds: number;
  /** The workspaces the start built (its "building <name>" lines). */
  built: string[];
}

/** Runs `command` in `cwd` until /health answers, then stops it (its whole process group). */
async function timeStart(
  cwd: string,
  [file, ...args]: string[],
  env: NodeJS.ProcessEnv,
): Promise<Start> {
  const started = performance.now();
  const child = spawn(file!, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  try {
    const url = await listeningUrl(child, output);
    let status = 0;
    while (status === 0) {
      status = await fetch(`${url}/health`).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 0) await sleep(20);
    }
    if (status !== 200) throw new Error(`/health answered ${status}`);
    const seconds = (performance.now() - started) / 1000;
    const built = output
      .join('')
      .split('\n')
      .flatMap((line) => /^building (\S+)/.exec(line)?.[1] ?? []);
    return { seconds, built };
  } finally {
    await stop(child);
  }
}

/** The URL of the start-up line, collecting every line in `output`. */
function listeningUrl(child: ChildProcess, output: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      output.push(`${line}\n`);
      if (!line.startsWith('{')) return;
      const url = (JSON.parse(line) as { url?: string }).url;
      if (url) resolve(url);
    });
    child.once('exit', (code) =>
      reject(new Error(`the start exited with ${code} before listening:\n${output.join('')}`)),
    );
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const closed = new Promise((resolve) => child.once('close', resolve));
  process.kill(-child.pid!, 'SIGTERM');
  await closed;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
