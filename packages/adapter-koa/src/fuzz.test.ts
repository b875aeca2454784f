import { registerInput } from '@uaip/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attackPlans } from './fuzz-attack-plans.test-support';
import { contractProblems } from './fuzz-oracle.test-support';
import {
  API,
  apiRequest,
  brief,
  type Fuzzer,
  type FuzzSession,
  type FuzzUser,
} from './fuzz-plan.test-support';
import { validPlans } from './fuzz-valid-plans.test-support';
import {
  type RawClient,
  type RawRequest,
  type RawResponse,
  rawClient,
} from './raw-http.test-support';
import { completeSession } from './session-driver.test-support';
import { NO_RATE_LIMITS, startTestApi, type TestApi } from './test-api.test-support';

// Property-based attack on the whole HTTP API (quality bar "Bad input"): thousands of requests
// generated from the routes' own zod schemas, half of them valid so they run real turns, the
// rest broken in every way a client can break them. Every response must be one of the
// contract's, never a 5xx, with the contract's error body and nothing of the server's insides.
//
// A run is one lane of scenarios per user, the lanes at the same time (a plan changes only
// what its own user owns). UAIP_FUZZ_RUNS runs (default 850: ≥ 5,100 requests), UAIP_FUZZ_SEED
// replays a failure with the seed fast-check printed.

const RUNS = Number(process.env.UAIP_FUZZ_RUNS ?? 850);
const SEED = process.env.UAIP_FUZZ_SEED ? Number(process.env.UAIP_FUZZ_SEED) : undefined;
const USERS = ['ada', 'grace', 'edsger'];
const PLANS_PER_LANE = 2;
const PLANS_PER_RUN = USERS.length * PLANS_PER_LANE;
/** Every plan sends at least one request. */
const MIN_REQUESTS = RUNS * PLANS_PER_RUN;

const counts = { total: 0, valid: 0, attacks: 0, byStatus: {} as Record<number, number> };
let api: TestApi;
let client: RawClient;
let fuzzer: Fuzzer;
/** Slices of the system prompts the fake LLM received: none may reach a client. */
let promptFragments: string[] = [];
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
const arrayPrototypeKeys = Object.getOwnPropertyNames(Array.prototype).sort();

beforeAll(async () => {
  api = await startTestApi({
    // Limits out of the way: every request must reach its route, not a 429.
    rateLimits: NO_RATE_LIMITS,
  });
  client = rawClient(api.url);
  const users: FuzzUser[] = [];
  for (const name of USERS) {
    const email = `${name}@fuzz.example.com`;
    const { token, id } = await api.user(email);
    users.push({ id, email, token, sessions: new Map(), deleted: [], cursors: [] });
  }
  const completedId = await completeSession(api, users[0]!.token);
  const completed = await api.call('GET', `${API}/sessions/${completedId}`, {
    token: users[0]!.token,
  });
  users[0]!.sessions.set(completedId, fromView(completed.json));
  promptFragments = systemPromptFragments(api);
  fuzzer = createFuzzer(users, { user: users[0]!, sessionId: completedId });
}, 60_000);

afterAll(async () => {
  client?.close();
  await api?.close();
});

describe('fuzzing the HTTP API with requests generated from its zod schemas', () => {
  it(`answers ${RUNS} runs of ${PLANS_PER_RUN} scenarios (≥ ${MIN_REQUESTS} requests, ≥ half schema-valid) only with the contract`, async () => {
    const started = performance.now();
    const scenario = fc.oneof(
      { weight: 55, arbitrary: validPlans },
      { weight: 45, arbitrary: attackPlans },
    );
    const lane = fc.array(scenario, { minLength: PLANS_PER_LANE, maxLength: PLANS_PER_LANE });
    await fc.assert(
      fc.asyncProperty(fc.tuple(...USERS.map(() => lane)), async (lanes) => {
        // Every lane ends before the run does, failed or not: a lane still running would race
        // the next run (or a shrink) over the same user's sessions.
        const settled = await Promise.allSettled(
          lanes.map(async (plans, index) => {
            for (const plan of plans) await plan.run(fuzzer, fuzzer.users[index]!);
          }),
        );
        for (const lane of settled) if (lane.status === 'rejected') throw lane.reason;
      }),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.info(
      `fuzz: ${counts.total} requests (${counts.valid} schema-valid, ${counts.attacks} attacks) in ${seconds} s; statuses ${JSON.stringify(counts.byStatus)}`,
    );

    expect(counts.total).toBeGreaterThanOrEqual(MIN_REQUESTS);
    // The mix is random: its proportions only mean something over enough requests.
    if (counts.total >= 1000) {
      expect(counts.valid).toBeGreaterThanOrEqual(counts.total / 2);
      expect(counts.attacks).toBeGreaterThan(counts.total / 4);
    }
    expect(Object.keys(counts.byStatus).filter((status) => Number(status) >= 500)).toEqual([]);
  }, 600_000);

  it('answers a body its Content-Encoding cannot decode with 400, not 500 (found by this test)', async () => {
    const token = fuzzer.users[1]!.token;
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const response = await client.send(
        apiRequest('POST', '/sessions', {
          token,
          json: '{"idea":"not compressed"}',
          headers: { 'content-encoding': encoding },
        }),
      );
      expect(response.status, encoding).toBe(400);
      expect(response.json.error.code).toBe('validation_failed');
    }
  });

  it('keeps a keep-alive connection usable after refusing a body over the limit (found by this test)', async () => {
    // One socket, so the next request follows the refused body down the same connection.
    const single = rawClient(api.url, 5_000, 1);
    const token = fuzzer.users[1]!.token;
    try {
      for (const chunked of [true, false]) {
        const refused = await single.send({
          ...apiRequest('POST', '/sessions', {
            token,
            json: JSON.stringify({ idea: 'x'.repeat(1_000_000) }),
          }),
          chunked,
        });
        expect(refused.status).toBe(413);
        const next = await single.send(apiRequest('GET', '/sessions', { token }));
        expect(next.status).toBe(200);
      }
    } finally {
      single.close();
    }
  }, 15_000);

  it('leaves Object.prototype unpolluted and the server alive', async () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(arrayPrototypeKeys);
    const probe = {} as Record<string, unknown>;
    for (const key of ['polluted', 'isAdmin', 'x']) expect(probe[key]).toBeUndefined();
    expect(api.server.listening).toBe(true);
    const health = await client.send({ method: 'GET', path: '/health' });
    expect(health.status).toBe(200);
    expect(health.json.status).toBe('ok');
    // The accounts still work end to end.
    const me = await client.send(apiRequest('GET', '/auth/me', { token: fuzzer.users[0]!.token }));
    expect(me.status).toBe(200);
  });
});

function createFuzzer(users: FuzzUser[], completed: Fuzzer['completed']): Fuzzer {
  const accounts = new Map<string, string>();
  let number = 0;
  const fuzzer: Fuzzer = {
    users,
    completed,
    accounts,
    nextNumber: () => ++number,
    async send(request, { valid, expect: statuses }) {
      const response = await client.send(request).catch((error: Error) => {
        throw new Error(`no response: ${error.message}\n${describeExchange(request)}`);
      });
      counts.total++;
      if (valid) counts.valid++;
      else counts.attacks++;
      counts.byStatus[response.status] = (counts.byStatus[response.status] ?? 0) + 1;
      const problems = contractProblems(request, response, promptFragments);
      if (statuses && !statuses.includes(response.status))
        problems.push(`expected ${statuses.join(' or ')}, got ${response.status}`);
      problems.push(...track(request, response));
      if (problems.length > 0)
        throw new Error(`${problems.join('; ')}\n${describeExchange(request, response)}`);
      return response;
    },
    foreignSession(self, pick) {
      const ids = users
        .filter((user) => user !== self)
        .flatMap((user) => [...user.sessions.keys()]);
      return ids.length > 0 ? ids[pick % ids.length] : undefined;
    },
    async session(user, pick, { active = false } = {}) {
      const candidates = [...user.sessions.values()].filter(
        (session) => session.id !== completed.sessionId && (!active || session.status === 'active'),
      );
      if (candidates.length > 0) return candidates[pick % candidates.length]!;
      const created = await fuzzer.send(
        apiRequest('POST', '/sessions', {
          token: user.token,
          json: JSON.stringify({ idea: `Forecast demand for store ${fuzzer.nextNumber()}` }),
        }),
        { valid: true, expect: [201] },
      );
      return user.sessions.get(created.json.id)!;
    },
  };

  /** Keeps the state in step with every response, whoever sent it; returns isolation breaches. */
  function track(request: RawRequest, response: RawResponse): string[] {
    const token = String(request.headers?.authorization ?? '').replace(/^Bearer /, '');
    const user = users.find((one) => one.token === token);
    const [path] = request.path.split('?') as [string];
    const match = /^\/api\/v1\/sessions\/([^/]+)(\/[a-z]+)?$/.exec(path);
    const ok = response.status >= 200 && response.status < 300;
    if (request.method === 'POST' && path === `${API}/auth/register` && response.status === 201) {
      const body = registerInput.parse(JSON.parse(String(request.body)));
      accounts.set(body.email, body.password);
    }
    if (!user) return [];
    if (request.method === 'POST' && path === `${API}/sessions` && response.status === 201) {
      user.sessions.set(response.json.id, fromView(response.json));
    }
    if (request.method === 'GET' && path === `${API}/sessions` && response.status === 200) {
      if (response.json.nextCursor)
        user.cursors = [...user.cursors, response.json.nextCursor].slice(-20);
    }
    // OPTIONS answers from the route table alone; every other 2xx read or changed the session.
    if (!match || !ok || request.method === 'OPTIONS') return [];
    const id = match[1]!;
    const known = user.sessions.get(id);
    // A 2xx on a session route is for the caller's own, live session, and nothing else.
    if (!known)
      return [
        `${request.method} ${path} answered ${response.status} for a session the user does not own`,
      ];
    if (request.method === 'DELETE') {
      user.sessions.delete(id);
      user.deleted.push(id);
    }
    const view = match[2] === '/answers' ? response.json?.session : match[2] ? null : response.json;
    if (view && request.method !== 'DELETE') {
      const next = fromView(view);
      if (match[2] === '/answers' && next.version <= known.version) return [];
      if (match[2] === '/answers' && next.version !== known.version + 1)
        return [`the version went from ${known.version} to ${next.version} in one answer`];
      if (known.pendingId && known.pendingId !== next.pendingId)
        known.staleIds.push(known.pendingId);
      Object.assign(known, { ...next, staleIds: known.staleIds });
    }
    return [];
  }
  return fuzzer;
}

// biome-ignore lint/suspicious/noExplicitAny: a session as the API returns it
function fromView(view: any): FuzzSession {
  return {
    id: view.id,
    pendingId: view.pendingQuestion?.id ?? null,
    status: view.status,
    version: view.version,
    staleIds: [],
  };
}

function systemPromptFragments(test: TestApi): string[] {
  const systems = new Set<string>();
  for (const request of test.claude.generationRequests()) {
    for (const block of [request.body?.system ?? []].flat())
      systems.add(typeof block === 'string' ? block : String(block?.text ?? ''));
  }
  const fragments = [...systems]
    .filter((text) => text.length >= 200)
    .flatMap((text) => [text.slice(0, 60), text.slice(100, 160)]);
  expect(fragments.length).toBeGreaterThan(0);
  return fragments;
}

function describeExchange(request: RawRequest, response?: RawResponse): string {
  const headers = Object.fromEntries(
    Object.entries(request.headers ?? {}).map(([name, value]) => [name, brief(value)]),
  );
  const lines = [
    `request: ${request.method} ${brief(request.path)} ${JSON.stringify(headers)}${request.chunked ? ' chunked' : ''}`,
    `body: ${request.body === undefined ? '(none)' : brief(String(request.body))}`,
  ];
  if (response) lines.push(`response: ${response.status} ${brief(response.text || '(empty)')}`);
  return lines.join('\n');
}
