import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectStatus,
  isolationCommands,
  type ModelSession,
} from './isolation-commands.test-support';
import { type RawClient, rawClient } from './raw-http.test-support';
import { completeSession } from './session-driver.test-support';
import { startTestApi, type TestApi } from './test-api.test-support';

// Quality bar "Isolation", model-based: several users do random operations over HTTP, and an
// in-memory model says what each of them must see. No user ever reads or changes another's
// session (404, and the owner's view is unchanged), a list is exactly its caller's live
// sessions, a deleted session is 404 for everyone, and a version grows by one per accepted answer.
//
// UAIP_ISOLATION_RUNS (default 100) runs of up to UAIP_ISOLATION_COMMANDS (default 60) commands;
// UAIP_ISOLATION_SEED replays a failure with the seed fast-check printed.

const RUNS = Number(process.env.UAIP_ISOLATION_RUNS ?? 100);
const MAX_COMMANDS = Number(process.env.UAIP_ISOLATION_COMMANDS ?? 60);
const SEED = process.env.UAIP_ISOLATION_SEED ? Number(process.env.UAIP_ISOLATION_SEED) : undefined;
const USERS = 4;

let api: TestApi;
let client: RawClient;
const tokens: string[] = [];
/** One completed session per user, made once (completing one takes dozens of turns). */
const kept: ModelSession[] = [];
const tally = { commands: 0, requests: 0, crossUser: 0, deletedProbes: 0, answers: 0, runs: 0 };

beforeAll(async () => {
  api = await startTestApi({
    rateLimits: { userPerHour: 1e9, llmPerHour: 1e9, globalPerHour: 1e9 },
  });
  client = rawClient(api.url);
  for (let owner = 0; owner < USERS; owner++) {
    tokens.push((await api.user(`isolation-${owner}@example.com`)).token);
    const id = await completeSession(api, tokens[owner]!);
    const [view, turns] = await Promise.all([
      call('GET', `/sessions/${id}`, owner),
      call('GET', `/sessions/${id}/turns`, owner),
    ]);
    kept.push({
      id,
      owner,
      deleted: false,
      version: view.json.version,
      status: view.json.status,
      pendingId: null,
      turns: turns.json.items.length,
      staleIds: [],
      kept: true,
    });
  }
}, 60_000);

afterAll(async () => {
  client?.close();
  await api?.close();
});

async function call(method: string, path: string, user: number, json?: string, key?: string) {
  tally.requests++;
  return client.send({
    method,
    path: `/api/v1${path}`,
    headers: {
      authorization: `Bearer ${tokens[user]}`,
      ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      ...(key === undefined ? {} : { 'idempotency-key': key }),
    },
    ...(json === undefined ? {} : { body: json }),
  });
}

/** Every session of the last run deleted: each run starts with the kept ones only. */
async function clearAll() {
  const keep = new Set(kept.map((session) => session.id));
  for (let owner = 0; owner < USERS; owner++) {
    for (;;) {
      const page = await call('GET', '/sessions?limit=100', owner);
      expectStatus(page, 200, 'list before the run');
      const items = (page.json.items as Array<{ id: string }>).filter(({ id }) => !keep.has(id));
      if (items.length === 0) break;
      for (const item of items)
        expectStatus(await call('DELETE', `/sessions/${item.id}`, owner), 204, 'clean up');
    }
  }
}

describe('isolation between users, against a model (fast-check commands)', () => {
  it(`holds over ${RUNS} runs of up to ${MAX_COMMANDS} random operations by ${USERS} users`, async () => {
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(
        fc.commands(isolationCommands({ users: USERS, call, tally }), {
          maxCommands: MAX_COMMANDS,
          size: 'max',
        }),
        async (commands) => {
          tally.runs++;
          await fc.asyncModelRun(async () => {
            await clearAll();
            return {
              model: { sessions: kept.map((session) => ({ ...session, staleIds: [] })) },
              real: {},
            };
          }, commands);
        },
      ),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.info(
      `isolation model: ${tally.runs} runs, ${tally.commands} commands, ${tally.requests} requests (${tally.answers} answers, ${tally.crossUser} cross-user attempts, ${tally.deletedProbes} probes of deleted sessions) in ${seconds} s`,
    );
    expect(tally.crossUser).toBeGreaterThan(0);
    expect(tally.deletedProbes).toBeGreaterThan(0);
  }, 600_000);
});
