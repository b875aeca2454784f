import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

const appRoot = join(import.meta.dirname, '..');

/** A running reference app process, started from source exactly as `npm start` wires it. */
export interface AppProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Sends a signal and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{
    status: number;
    headers: Headers;
    // biome-ignore lint/suspicious/noExplicitAny: tests read what they expect
    json: any;
    text: string;
  }>;
}

/** Starts the app with `env` on a random port; resolves once it printed its start-up line. */
export async function startApp(env: Record<string, string>): Promise<AppProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=@uaip/source', '--import', 'tsx', 'src/main.ts'],
    {
      cwd: appRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        PORT: '0',
        BCRYPT_COST: '10',
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not start:\n${output}`)), 30_000);
    const check = () => {
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the app exited with ${code}:\n${output}`));
    });
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    url,
    child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${url}${path}`, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: response.headers, json, text };
    },
  };
}

/** Runs the app once with `LLM` env and the data in a fresh folder. */
export async function tempDataDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'uaip-app-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Registers and logs in; returns the bearer token. */
export async function signIn(
  app: AppProcess,
  email = `u${Math.random().toString(36).slice(2, 8)}@example.com`,
): Promise<string> {
  const password = 'correct horse battery';
  await app.call('POST', '/api/v1/auth/register', { body: { email, password } });
  const login = await app.call('POST', '/api/v1/auth/login', { body: { email, password } });
  if (login.status !== 200) throw new Error(`login failed: ${login.text}`);
  return login.json.accessToken;
}

/** Registers and signs in an account named after `name`; its token, id and email. */
export async function account(app: AppProcess, name: string) {
  const email = `${name}-${randomBytes(3).toString('hex')}@example.com`;
  const token = await signIn(app, email);
  const me = await app.call('GET', '/api/v1/auth/me', { token });
  return { token, email, id: me.json.user.id as string };
}

/** An event of a session's event stream: its data. */
export type SessionEvent = { type: string; [key: string]: unknown };

/**
 * Reads the session's event stream from now (once connected) until `done` says so of an event;
 * resolves with the events' data. `(event) => event.type === name` stops at an event type.
 */
export async function followEvents(
  app: AppProcess,
  token: string,
  sessionId: string,
  done: (event: SessionEvent) => boolean,
) {
  const abort = new AbortController();
  const response = await fetch(`${app.url}/api/v1/sessions/${sessionId}/events`, {
    headers: { authorization: `Bearer ${token}` },
    signal: abort.signal,
  });
  expect(response.status).toBe(200);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  while (!text.includes(': connected')) text += (await reader.read()).value ?? '';
  // Only whole lines: a chunk may end inside an event's data.
  const events = () =>
    text
      .slice(0, text.lastIndexOf('\n') + 1)
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as SessionEvent);
  return (async () => {
    while (!events().some(done)) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      text += value;
    }
    abort.abort();
    return events();
  })();
}
