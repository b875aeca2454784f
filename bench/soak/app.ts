import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

// The reference app as the soak runs it: the built `dist/main.js` that `npm start` runs (`npm run
// bench` builds first), plus `--expose-gc` and the bench-only preload gc-probe.cjs (forced-GC
// memory samples and heap snapshots on a signal, see there). Its log is inspected line by line
// and dropped: a request log of ten minutes is large.

const APP_ROOT = join(import.meta.dirname, '..', '..', 'examples', 'reference-app');
const PROBE = join(import.meta.dirname, 'gc-probe.cjs');
/** Lines the probe prints: `uaip-soak-<tag> <json>`. */
const PROBE_LINE = /^uaip-soak-([a-z]+) (\{.*\})$/;

export interface App {
  url: string;
  child: ChildProcess;
  /** Lines naming an unhandled rejection or uncaught exception, on stdout or stderr. */
  crashLines: number;
  /** pino lines at level error (50) or above. */
  errorLines: number;
  /** Warnings, errors and anything that is not a pino line (stderr): how often each message. */
  notable: Map<string, number>;
  alive(): boolean;
  /** Sends `signal` to the probe and resolves with the JSON of its next `uaip-soak-<tag>` line. */
  probe(signal: NodeJS.Signals, tag: string): Promise<unknown>;
  /** SIGTERM (SIGKILL after 30 s); the exit code, or the signal that ended it. */
  stop(): Promise<string>;
}

interface LogLine {
  level?: number;
  msg?: string;
  url?: string;
  err?: { message?: string };
}

/** Starts the app with exactly `env` (plus PATH and HOME); resolves once it listens. */
export async function startApp(env: Record<string, string>): Promise<App> {
  const child = spawn(process.execPath, ['--expose-gc', '--require', PROBE, 'dist/main.js'], {
    cwd: APP_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(String(signal ?? code))),
  );
  let listening: (url: string) => void = () => {};
  const url = new Promise<string>((resolve) => {
    listening = resolve;
  });
  const waiting = new Map<string, (json: unknown) => void>();
  let probes = Promise.resolve<unknown>(undefined);

  const app: App = {
    url: '',
    child,
    crashLines: 0,
    errorLines: 0,
    notable: new Map(),
    alive: () => child.exitCode === null && child.signalCode === null,
    probe(signal, tag) {
      // One at a time: a reply line names its tag, not its request.
      const next = probes.then(async () => {
        if (!app.alive()) throw new Error(`probe ${tag}: the app is not running`);
        const reply = new Promise<unknown>((resolve) => waiting.set(tag, resolve));
        const timer = new AbortController();
        child.kill(signal);
        try {
          return await Promise.race([
            reply,
            exited.then((code) => {
              throw new Error(`probe ${tag}: the app exited with ${code}`);
            }),
            sleep(120_000, undefined, { signal: timer.signal }).then(() => {
              throw new Error(`probe ${tag}: no reply within 120 s`);
            }),
          ]);
        } finally {
          timer.abort();
          waiting.delete(tag);
        }
      });
      probes = next.catch(() => undefined);
      return next;
    },
    async stop() {
      if (app.alive()) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };

  const inspect = (line: string) => {
    const probed = PROBE_LINE.exec(line);
    if (probed) {
      waiting.get(probed[1]!)?.(JSON.parse(probed[2]!));
      return;
    }
    if (/unhandled ?rejection|uncaught ?exception/i.test(line)) app.crashLines++;
    let level = 0;
    let message = line.slice(0, 300);
    try {
      const entry = JSON.parse(line) as LogLine;
      level = entry.level ?? 0;
      message = `level ${level} "${entry.msg}"${entry.err ? `: ${entry.err.message}` : ''}`;
      if (entry.url && line.includes('uaip listening on')) listening(entry.url);
    } catch {
      level = 100; // not pino: stderr output such as a stack trace or a Node warning
    }
    if (level >= 50 && level < 100) app.errorLines++;
    if (level >= 40 && (app.notable.size < 50 || app.notable.has(message))) {
      app.notable.set(message, (app.notable.get(message) ?? 0) + 1);
    }
  };
  createInterface({ input: child.stdout! }).on('line', inspect);
  createInterface({ input: child.stderr! }).on('line', inspect);

  const log = () => [...app.notable.keys()].join('\n');
  const timer = new AbortController();
  const started = await Promise.race([
    url,
    exited.then((code) => {
      throw new Error(`the app exited with ${code}:\n${log()}`);
    }),
    sleep(60_000, undefined, { signal: timer.signal }).then(() => {
      throw new Error(`the app did not start within 60 s:\n${log()}`);
    }),
  ])
    .catch(async (error: unknown) => {
      await app.stop();
      throw error;
    })
    .finally(() => timer.abort());
  // The same object, not a copy: the log reader keeps counting on it.
  app.url = started;
  return app;
}
