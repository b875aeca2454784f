import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

// Simulated users driving the app's HTTP API with a mix of calls, closed-loop (each user calls
// back to back: the throughput) or open-loop (calls arrive at a fixed rate however long earlier
// ones take, so a slowdown shows as latency, measured from each call's scheduled time, instead
// of as a lower rate).

export const USERS = 16; // also the closed-loop concurrency
export const SESSIONS_PER_USER = 3; // active sessions a user keeps; completed ones are deleted
export const MAX_IN_FLIGHT = 2_000; // open loop: arrivals beyond this are dropped (and count as errors)
const REQUEST_TIMEOUT_MS = 30_000;
const RICH =
  'Retention agents at Acme Telecom will call the 2,000 prepaid customers most likely to churn each week; churn is 8% per month today and should reach 5% by September 2027, measured from billing deactivations, worth 2.4 million EUR a year.';
const VAGUE = 'not sure, maybe';

/** Counts and latencies of one phase. */
export class Stats {
  readonly latencies: number[] = [];
  /** Latencies of the successful calls by kind. */
  readonly byKind = new Map<string, number[]>();
  readonly errors = new Map<string, number>();
  ok = 0;
  dropped = 0;
  get errorCount(): number {
    return [...this.errors.values()].reduce((sum, n) => sum + n, 0) + this.dropped;
  }
  error(what: string) {
    this.errors.set(what, (this.errors.get(what) ?? 0) + 1);
  }
}

export interface Workload {
  closedLoop(seconds: number): Promise<Stats>;
  openLoop(rate: number, seconds: number): Promise<Stats>;
  /** Resolves once the event streams still held after their calls returned are closed. */
  drained(): Promise<void>;
}

/** Registers and logs in USERS users on the app at `base`. */
export async function startWorkload(base: string): Promise<Workload> {
  const users = await Promise.all(
    Array.from({ length: USERS }, async (_, index): Promise<User> => {
      const email = `soak-${index}-${randomUUID().slice(0, 8)}@example.com`;
      const credentials = JSON.stringify({ email, password: 'correct horse battery' });
      await call({ base }, 'POST', '/auth/register', 201, { body: credentials });
      const login = await call({ base }, 'POST', '/auth/login', 200, { body: credentials });
      return { base, token: login.accessToken, sessions: [], creating: 0, streams: new Set() };
    }),
  );
  return {
    closedLoop: (seconds) => closedLoop(users, seconds),
    openLoop: (rate, seconds) => openLoop(users, rate, seconds),
    drained: async () => {
      await Promise.all(users.flatMap((user) => [...user.streams]));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Users and their sessions

interface User {
  base: string;
  token: string;
  sessions: Tracked[];
  creating: number;
  /** Event streams held open after their `events` call returned. */
  streams: Set<Promise<void>>;
}

interface Tracked {
  id: string;
  questionId: string | null;
  completed: boolean;
  /** An answer, replay or delete is running: these must not overlap (they would get a 409). */
  busy: boolean;
  /** Reads (GETs, an open event stream) in flight: a delete waits until there are none. */
  readers: number;
  chartered: boolean;
  last?: { key: string; body: string; version: number };
}

class Unexpected extends Error {}

async function call(
  caller: { base: string; token?: string },
  method: string,
  path: string,
  expected: number,
  options: { body?: string; headers?: Record<string, string> } = {},
  // biome-ignore lint/suspicious/noExplicitAny: the bench reads the fields it expects
): Promise<any> {
  const headers: Record<string, string> = { ...options.headers };
  if (caller.token) headers.authorization = `Bearer ${caller.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${caller.base}/api/v1${path}`, {
    method,
    headers,
    body: options.body,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  if (response.status !== expected) {
    throw new Unexpected(`${response.status} ${text.slice(0, 200)}`);
  }
  const json = response.headers.get('content-type')?.includes('application/json');
  return json ? JSON.parse(text) : text;
}

// ---------------------------------------------------------------------------------------------
// The mix of calls

interface Op {
  kind: string;
  run(): Promise<void>;
}

const random = <T>(items: T[]): T | undefined => items[Math.floor(Math.random() * items.length)];
const sessionPath = (s: Tracked) => `/sessions/${s.id}`;

/** A read on a session; the session cannot be deleted meanwhile. */
function read(s: Tracked, kind: string, work: () => Promise<void>): Op {
  s.readers++;
  return {
    kind,
    run: () =>
      work().finally(() => {
        s.readers--;
      }),
  };
}

/** An answer, replay or delete; no other of these runs on the session meanwhile. */
function exclusive(s: Tracked, kind: string, work: () => Promise<void>): Op {
  s.busy = true;
  return {
    kind,
    run: () =>
      work().finally(() => {
        s.busy = false;
      }),
  };
}

function create(user: User): Op {
  user.creating++;
  return {
    kind: 'create',
    async run() {
      try {
        const idea = `Predict churn of prepaid customers (${randomUUID().slice(0, 8)})`;
        const session = await call(user, 'POST', '/sessions', 201, {
          body: JSON.stringify({ idea }),
        });
        user.sessions.push({
          id: session.id,
          questionId: session.pendingQuestion.id,
          completed: false,
          busy: false,
          readers: 0,
          chartered: false,
        });
      } finally {
        user.creating--;
      }
    },
  };
}

function answer(user: User, s: Tracked): Op {
  return exclusive(s, 'answer', async () => {
    // Some vague answers, so follow-up questions and escalations are part of the mix.
    const text = Math.random() < 0.2 ? VAGUE : RICH;
    const body = JSON.stringify({ questionId: s.questionId, answer: text });
    const key = randomUUID();
    const result = await call(user, 'POST', `${sessionPath(s)}/answers`, 200, {
      body,
      headers: { 'idempotency-key': key },
    });
    s.last = { key, body, version: result.session.version };
    s.questionId = result.session.pendingQuestion?.id ?? null;
    s.completed = result.session.status === 'completed';
  });
}

/** The same key and body again: the stored response, no new turn. */
function replay(user: User, s: Tracked): Op {
  const last = s.last!;
  return exclusive(s, 'replay', async () => {
    const result = await call(user, 'POST', `${sessionPath(s)}/answers`, 200, {
      body: last.body,
      headers: { 'idempotency-key': last.key },
    });
    if (result.session.version !== last.version) {
      throw new Unexpected(
        `replay returned version ${result.session.version}, not ${last.version}`,
      );
    }
  });
}

/** Opens the event stream; the call is done once connected, the stream is held 1–3 s. */
function events(user: User, s: Tracked): Op {
  s.readers++;
  return {
    kind: 'events',
    async run() {
      let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
      try {
        const response = await fetch(`${user.base}/api/v1${sessionPath(s)}/events`, {
          headers: { authorization: `Bearer ${user.token}` },
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        if (response.status !== 200) throw new Unexpected(`${response.status}`);
        reader = response.body!.getReader();
        const first = await reader.read();
        if (!new TextDecoder().decode(first.value).startsWith(': connected')) {
          throw new Unexpected('no ": connected" comment first');
        }
      } catch (error) {
        s.readers--;
        await reader?.cancel().catch(() => {});
        throw error;
      }
      const hold = sleep(1_000 + Math.random() * 2_000)
        .then(() => reader!.cancel())
        .catch(() => {})
        .finally(() => {
          s.readers--;
          user.streams.delete(hold);
        });
      user.streams.add(hold);
    },
  };
}

function remove(user: User, s: Tracked): Op {
  // Out of the user's list first, so no new call picks it.
  user.sessions.splice(user.sessions.indexOf(s), 1);
  return exclusive(s, 'delete', () => call(user, 'DELETE', sessionPath(s), 204));
}

/** The next call of a user: finish completed sessions, keep SESSIONS_PER_USER, else the mix. */
function pick(user: User): Op {
  const idle = user.sessions.filter((s) => !s.busy);
  const completed = idle.find((s) => s.completed && (!s.chartered || s.readers === 0));
  if (completed) {
    if (completed.chartered) return remove(user, completed);
    completed.chartered = true;
    return read(completed, 'charter', () =>
      call(user, 'GET', `${sessionPath(completed)}/charter?format=md`, 200),
    );
  }
  const active = user.sessions.filter((s) => !s.completed);
  if (active.length + user.creating < SESSIONS_PER_USER) return create(user);
  const any = random(user.sessions);
  const roll = Math.random() * 100;
  const answerable = random(idle.filter((s) => !s.completed));
  if (roll < 45 && answerable) return answer(user, answerable);
  const replayable = random(idle.filter((s) => s.last && !s.completed));
  if (roll >= 86 && roll < 92 && replayable) return replay(user, replayable);
  const abandoned = idle.find((s) => !s.completed && s.readers === 0);
  if (roll >= 92 && roll < 93 && abandoned) return remove(user, abandoned);
  if (roll >= 93 || !any) return { kind: 'me', run: () => call(user, 'GET', '/auth/me', 200) };
  if (roll < 60) return read(any, 'get', () => call(user, 'GET', sessionPath(any), 200));
  if (roll < 68) return { kind: 'list', run: () => call(user, 'GET', '/sessions?limit=20', 200) };
  if (roll < 74)
    return read(any, 'turns', () => call(user, 'GET', `${sessionPath(any)}/turns`, 200));
  if (roll < 80)
    return read(any, 'usage', () => call(user, 'GET', `${sessionPath(any)}/usage`, 200));
  return events(user, any);
}

// ---------------------------------------------------------------------------------------------
// The loops

/** One call of the mix, timed from `scheduled` (its arrival time in the open loop). */
async function step(user: User, stats: Stats, scheduled = performance.now()): Promise<void> {
  const op = pick(user);
  try {
    await op.run();
    const ms = performance.now() - scheduled;
    stats.ok++;
    stats.latencies.push(ms);
    if (!stats.byKind.has(op.kind)) stats.byKind.set(op.kind, []);
    stats.byKind.get(op.kind)!.push(ms);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    stats.error(`${op.kind}: ${message.replace(/"requestId":"[^"]*"/, '').slice(0, 160)}`);
  }
}

async function closedLoop(users: User[], seconds: number): Promise<Stats> {
  const stats = new Stats();
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    users.map(async (user) => {
      while (performance.now() < end) await step(user, stats);
    }),
  );
  return stats;
}

/** Calls arrive at `rate` per second, each from a random user. */
async function openLoop(users: User[], rate: number, seconds: number): Promise<Stats> {
  const stats = new Stats();
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  const total = Math.round(rate * seconds);
  let launched = 0;
  while (launched < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    for (; launched < due; launched++) {
      if (inFlight.size >= MAX_IN_FLIGHT) {
        stats.dropped++;
        continue;
      }
      const scheduled = start + (launched * 1000) / rate;
      const work = step(random(users)!, stats, scheduled).finally(() => inFlight.delete(work));
      inFlight.add(work);
    }
    await sleep(5);
  }
  await Promise.all(inFlight);
  return stats;
}
