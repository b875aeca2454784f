import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolationCommands } from './isolation-commands.test-support';
import { sharingCommands } from './isolation-sharing-commands.test-support';
import { expectStatus, type ModelSession } from './isolation-world.test-support';
import { type RawClient, rawClient } from './raw-http.test-support';
import { completeSession } from './session-driver.test-support';
import { startTestApi, type TestApi } from './test-api.test-support';

// Quality bar "Isolation", model-based: several users do random operations over HTTP, and an
// in-memory model says what each of them must see. Owners share their sessions with each other
// as viewers or editors, change roles and remove members, and members leave. No user ever reads
// or changes a session that is neither theirs nor shared with them (404, and the owner's view is
// unchanged); a member reads, an editor answers, a viewer's answer and a member's attempt at
// what only the owner may do are 403 and change nothing; a list is exactly its caller's live
// sessions, the shared list exactly what is shared with them; a deleted session is 404 for
// everyone, members included; and a version grows by one per accepted answer.
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
const emails: string[] = [];
const userIds: string[] = [];
/** One completed session per user, made once (completing one takes dozens of turns). */
const kept: ModelSession[] = [];
const tally = {
  commands: 0,
  requests: 0,
  crossUser: 0,
  deletedProbes: 0,
  answers: 0,
  shares: 0,
  memberRequests: 0,
  forbidden: 0,
  runs: 0,
};

beforeAll(async () => {
  api = await startTestApi({
    rateLimits: { userPerHour: 1e9, llmPerHour: 1e9, globalPerHour: 1e9 },
  });
  client = rawClient(api.url);
  for (let owner = 0; owner < USERS; owner++) {
    emails.push(`isolation-${owner}@example.com`);
    const { token, id: userId } = await api.user(emails[owner]);
    tokens.push(token);
    userIds.push(userId);
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
      members: {},
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

/** Every session of the last run deleted, the kept ones shared with nobody: each run starts alike. */
async function clearAll() {
  const keep = new Set(kept.map((session) => session.id));
  for (const session of kept) {
    const members = await call('GET', `/sessions/${session.id}/members`, session.owner);
    expectStatus(members, 200, 'members before the run');
    for (const { userId } of members.json.members as Array<{ userId: string }>) {
      const path = `/sessions/${session.id}/members/${userId}`;
      expectStatus(await call('DELETE', path, session.owner), 204, 'unshare before the run');
    }
  }
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
        fc.commands(
          [
            ...isolationCommands({ users: USERS, emails, userIds, call, tally }),
            ...sharingCommands({ users: USERS, emails, userIds, call, tally }),
          ],
          { maxCommands: MAX_COMMANDS, size: 'max' },
        ),
        async (commands) => {
          tally.runs++;
          await fc.asyncModelRun(async () => {
            await clearAll();
            return {
              model: {
                sessions: kept.map((session) => ({ ...session, staleIds: [], members: {} })),
              },
              real: {},
            };
          }, commands);
        },
      ),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.info(
      `isolation model: ${tally.runs} runs, ${tally.commands} commands, ${tally.requests} requests (${tally.answers} answers, ${tally.crossUser} cross-user attempts, ${tally.deletedProbes} probes of deleted sessions, ${tally.shares} shares, ${tally.memberRequests} member requests of which ${tally.forbidden} refused with 403) in ${seconds} s`,
    );
    expect(tally.crossUser).toBeGreaterThan(0);
    expect(tally.deletedProbes).toBeGreaterThan(0);
    expect(tally.shares).toBeGreaterThan(0);
    expect(tally.memberRequests).toBeGreaterThan(0);
    expect(tally.forbidden).toBeGreaterThan(0);
  }, 600_000);
});
