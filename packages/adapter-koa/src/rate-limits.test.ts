import { setTimeout as sleep } from 'node:timers/promises';
import { bcryptHasher, createMemoryStorage, createPasswordAuth, UaipError } from '@uaip/core';
import type { Context } from 'koa';
import pg from 'pg';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { onSharedStores } from './rate-limit-stores.test-support';
import {
  createRateLimits,
  memoryRateLimitStore,
  postgresRateLimitStore,
  type RateLimitStore,
} from './rate-limits';
import { type CallResult, PASSWORD, startTestApi, type TestApi } from './test-api.test-support';
import { uniqueName } from './test-services.test-support';

const IDEA = { idea: 'Predict churn of prepaid customers' };
const ANSWER = 'Reduce churn from 8% to 5% by Q3 2027, measured monthly in billing.';

/** The two RateLimit header fields, parsed; they must be well formed and name one policy. */
function rateLimitOf(headers: Headers) {
  const policy = headers.get('ratelimit-policy') ?? '';
  const limit = headers.get('ratelimit') ?? '';
  const declared = /^"([a-z-]+)";q=(\d+);w=(\d+)$/.exec(policy);
  const counted = /^"([a-z-]+)";r=(\d+);t=(\d+)$/.exec(limit);
  expect(declared, `RateLimit-Policy: ${policy}`).not.toBeNull();
  expect(counted, `RateLimit: ${limit}`).not.toBeNull();
  expect(counted![1]).toBe(declared![1]);
  return {
    policy: declared![1],
    quota: Number(declared![2]),
    window: Number(declared![3]),
    remaining: Number(counted![2]),
    resetSeconds: Number(counted![3]),
  };
}

/** A 429 as the contract has it: the error body, and `Retry-After` in whole seconds ≥ 1. */
function expectRateLimited(response: CallResult) {
  expect(response.status).toBe(429);
  expect(response.json.error.code).toBe('rate_limited');
  expect(response.json.error.requestId).toBe(response.headers.get('x-request-id'));
  const retryAfter = response.headers.get('retry-after') ?? '';
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  return Number(retryAfter);
}

/** A context with what the limits read: the client address and, when signed in, the principal. */
const fakeContext = ({ userId, ip = '10.0.0.1' }: { userId?: string; ip?: string }) =>
  ({ ip, state: userId ? { principal: { userId } } : {}, set: vi.fn() }) as unknown as Context;

const login = (api: TestApi, email: string, password: string, headers?: Record<string, string>) =>
  api.call('POST', '/api/v1/auth/login', { body: { email, password }, headers: headers ?? {} });

describe('rate-limit headers with the contract defaults', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ rateLimits: {} });
  });
  afterAll(() => api.close());

  it('show the registration policy on registering, user on reads, llm on LLM-spending routes', async () => {
    const email = 'defaults@example.com';
    const registered = await api.call('POST', '/api/v1/auth/register', {
      body: { email, password: PASSWORD },
    });
    expect(registered.status).toBe(201);
    expect(rateLimitOf(registered.headers)).toMatchObject({
      policy: 'registration',
      quota: 10,
      window: 3600,
      remaining: 9,
    });
    const token = (await login(api, email, PASSWORD)).json.accessToken as string;

    const read = await api.call('GET', '/api/v1/workflows', { token });
    expect(read.status).toBe(200);
    const user = rateLimitOf(read.headers);
    expect(user).toMatchObject({ policy: 'user', quota: 1000, window: 3600, remaining: 999 });
    expect(user.resetSeconds).toBeGreaterThan(3500);
    expect(user.resetSeconds).toBeLessThanOrEqual(3600);

    // The LLM limit (99 of 100 left) is closer to its limit than the user's (998 of 1000).
    const created = await api.call('POST', '/api/v1/sessions', { token, body: IDEA });
    expect(created.status).toBe(201);
    expect(rateLimitOf(created.headers)).toMatchObject({
      policy: 'llm',
      quota: 100,
      window: 3600,
      remaining: 99,
    });

    // Reads do not spend the LLM limit: they show the user's, and the next answer sees 98 left.
    for (const path of [`/api/v1/sessions/${created.json.id}`, '/api/v1/sessions']) {
      const got = await api.call('GET', path, { token });
      expect(got.status).toBe(200);
      expect(rateLimitOf(got.headers)).toMatchObject({ policy: 'user', quota: 1000 });
    }
    const answered = await api.call('POST', `/api/v1/sessions/${created.json.id}/answers`, {
      token,
      body: { questionId: created.json.pendingQuestion.id, answer: ANSWER },
    });
    expect(answered.status).toBe(200);
    expect(rateLimitOf(answered.headers)).toMatchObject({ policy: 'llm', remaining: 98 });
    // Every authenticated request counted against the user: 2 reads, 2 spends, 2 more reads.
    expect(
      rateLimitOf((await api.call('GET', '/api/v1/auth/me', { token })).headers),
    ).toMatchObject({ policy: 'user', remaining: 994 });
  });

  it('are on error responses of limited routes too (a 401 counts against its address)', async () => {
    const refused = await api.call('GET', '/api/v1/workflows');
    expect(refused.status).toBe(401);
    expect(rateLimitOf(refused.headers)).toMatchObject({ policy: 'anonymous', quota: 1000 });
  });
});

describe('the contract defaults, counted', () => {
  it('allow 10,000 signed-in requests an hour, then refuse the next', async () => {
    const limits = createRateLimits();
    // Ten users, so that no user's own limit (1,000) is reached first.
    for (let request = 0; request < 10_000; request++)
      await limits.signedIn(fakeContext({ userId: `u${request % 10}` }), false);
    await expect(limits.signedIn(fakeContext({ userId: 'u11' }), false)).rejects.toMatchObject({
      code: 'rate_limited',
      message: expect.stringContaining('global'),
    });
  });

  it('allow 1,000 requests without a valid token per address an hour, and 10 registrations', async () => {
    const limits = createRateLimits();
    for (let request = 0; request < 1000; request++)
      await limits.anonymous(fakeContext({ ip: '10.0.0.1' }));
    await expect(limits.anonymous(fakeContext({ ip: '10.0.0.1' }))).rejects.toMatchObject({
      code: 'rate_limited',
      message: expect.stringContaining('anonymous'),
    });
    await expect(limits.anonymous(fakeContext({ ip: '10.0.0.2' }))).resolves.toBeUndefined();

    for (let request = 0; request < 10; request++)
      await limits.registration(fakeContext({ ip: '10.0.0.3' }));
    await expect(limits.registration(fakeContext({ ip: '10.0.0.3' }))).rejects.toMatchObject({
      code: 'rate_limited',
      message: expect.stringContaining('registration'),
    });
  });

  it('allow 1,000 requests a user an hour, 100 of them spending LLM tokens', async () => {
    const limits = createRateLimits();
    const ctx = fakeContext({ userId: 'u1' });
    for (let request = 0; request < 100; request++) await limits.signedIn(ctx, true);
    await expect(limits.signedIn(ctx, true)).rejects.toMatchObject({
      code: 'rate_limited',
      message: expect.stringContaining('llm'),
    });
    // 101 requests so far; reads go on up to 1,000.
    for (let request = 101; request < 1000; request++) await limits.signedIn(ctx, false);
    await expect(limits.signedIn(ctx, false)).rejects.toMatchObject({
      code: 'rate_limited',
      message: expect.stringContaining('user'),
    });
  });

  it('allow 20 session imports a user an hour, besides other requests', async () => {
    const limits = createRateLimits();
    const ctx = fakeContext({ userId: 'u1' });
    for (let request = 0; request < 20; request++) await limits.signedIn(ctx, false, true);
    await expect(limits.signedIn(ctx, false, true)).rejects.toMatchObject({
      code: 'rate_limited',
      message: expect.stringContaining('import'),
    });
    await expect(limits.signedIn(ctx, false)).resolves.toBeUndefined();
    await expect(limits.signedIn(ctx, true)).resolves.toBeUndefined();
    await expect(
      limits.signedIn(fakeContext({ userId: 'u2' }), false, true),
    ).resolves.toBeUndefined();
  });

  it('count 10 login attempts per account and 100 per IP in 15 minutes, before any password check', async () => {
    const limits = createRateLimits();
    const from = (ip: string) => fakeContext({ ip });
    for (let attempt = 0; attempt < 10; attempt++)
      await expect(limits.loginGuard(from('10.0.0.1'), 'a@x.io')).resolves.toBeUndefined();
    const refused = await limits.loginGuard(from('10.0.0.1'), 'a@x.io').catch((error) => error);
    expect(refused).toMatchObject({ code: 'rate_limited' });
    expect(refused.retryAfterMs).toBeGreaterThan(14 * 60_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(15 * 60_000);

    // 11 attempts from this IP so far (the refused one counts too); 89 more make 100.
    for (let account = 0; account < 89; account++)
      await expect(
        limits.loginGuard(from('10.0.0.1'), `other${account}@x.io`),
      ).resolves.toBeUndefined();
    await expect(limits.loginGuard(from('10.0.0.1'), 'fresh@x.io')).rejects.toMatchObject({
      code: 'rate_limited',
    });
    await expect(limits.loginGuard(from('10.0.0.2'), 'fresh@x.io')).resolves.toBeUndefined();
  });
});

describe('small configured limits', () => {
  const apis: TestApi[] = [];
  const start = async (...args: Parameters<typeof startTestApi>) => {
    const api = await startTestApi(...args);
    apis.push(api);
    return api;
  };
  afterEach(async () => {
    await Promise.all(apis.splice(0).map((api) => api.close()));
  });

  it("refuse a user's (limit+1)th request with 429, and not another user's", async () => {
    const api = await start({ rateLimits: { userPerHour: 3 } });
    const [alice, bob] = await Promise.all([api.user(), api.user()]);
    for (let request = 1; request <= 3; request++) {
      const allowed = await api.call('GET', '/api/v1/workflows', { token: alice.token });
      expect(allowed.status).toBe(200);
      expect(rateLimitOf(allowed.headers)).toMatchObject({
        policy: 'user',
        quota: 3,
        remaining: 3 - request,
      });
    }
    const refused = await api.call('GET', '/api/v1/workflows', { token: alice.token });
    const retryAfter = expectRateLimited(refused);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(rateLimitOf(refused.headers)).toMatchObject({ policy: 'user', quota: 3, remaining: 0 });
    // Any route of the user's, spending or not.
    expectRateLimited(
      await api.call('POST', '/api/v1/sessions', { token: alice.token, body: IDEA }),
    );

    const other = await api.call('GET', '/api/v1/workflows', { token: bob.token });
    expect(other.status).toBe(200);
    expect(rateLimitOf(other.headers)).toMatchObject({ policy: 'user', remaining: 2 });
  });

  it('count session creation and answers against the LLM limit, and reads not', async () => {
    const api = await start({ rateLimits: { llmPerHour: 2 } });
    const [alice, bob] = await Promise.all([api.user(), api.user()]);
    const created = await api.call('POST', '/api/v1/sessions', { token: alice.token, body: IDEA });
    expect(created.status).toBe(201);
    const answered = await api.call('POST', `/api/v1/sessions/${created.json.id}/answers`, {
      token: alice.token,
      body: { questionId: created.json.pendingQuestion.id, answer: ANSWER },
    });
    expect(answered.status).toBe(200);
    expect(rateLimitOf(answered.headers)).toMatchObject({ policy: 'llm', quota: 2, remaining: 0 });

    for (const path of [
      `/api/v1/sessions/${created.json.id}`,
      `/api/v1/sessions/${created.json.id}/turns`,
      `/api/v1/sessions/${created.json.id}/usage`,
      '/api/v1/sessions',
    ]) {
      const read = await api.call('GET', path, { token: alice.token });
      expect(read.status, path).toBe(200);
      expect(rateLimitOf(read.headers).policy).toBe('user');
    }

    const session = answered.json.session;
    const refusedAnswer = await api.call('POST', `/api/v1/sessions/${session.id}/answers`, {
      token: alice.token,
      body: { questionId: session.pendingQuestion.id, answer: ANSWER },
    });
    expectRateLimited(refusedAnswer);
    expect(rateLimitOf(refusedAnswer.headers)).toMatchObject({
      policy: 'llm',
      quota: 2,
      window: 3600,
      remaining: 0,
    });
    expectRateLimited(
      await api.call('POST', '/api/v1/sessions', { token: alice.token, body: IDEA }),
    );
    // The refused answer changed nothing.
    const after = await api.call('GET', `/api/v1/sessions/${session.id}`, { token: alice.token });
    expect(after.json.version).toBe(session.version);

    const bobs = await api.call('POST', '/api/v1/sessions', { token: bob.token, body: IDEA });
    expect(bobs.status).toBe(201);
  });

  it("refuse a user's (limit+1)th import with 429, before reading its body, and nothing else", async () => {
    const api = await start({ rateLimits: { importsPerHour: 2 } });
    const [alice, bob] = await Promise.all([api.user(), api.user()]);
    const created = await api.call('POST', '/api/v1/sessions', { token: alice.token, body: IDEA });
    expect(created.status).toBe(201);
    const exported = await api.call('GET', `/api/v1/sessions/${created.json.id}/export`, {
      token: alice.token,
    });
    expect(exported.status).toBe(200);
    const importAs = (token: string, body: unknown = exported.json) =>
      api.call('POST', '/api/v1/sessions/import', { token, body });

    const first = await importAs(alice.token);
    expect(first.status, first.text).toBe(201);
    expect(rateLimitOf(first.headers)).toMatchObject({
      policy: 'import',
      quota: 2,
      window: 3600,
      remaining: 1,
    });
    expect((await importAs(alice.token)).status).toBe(201);

    const refused = await importAs(alice.token);
    expect(expectRateLimited(refused)).toBeLessThanOrEqual(3600);
    expect(rateLimitOf(refused.headers)).toMatchObject({
      policy: 'import',
      quota: 2,
      window: 3600,
      remaining: 0,
    });
    // Counted before the body is read or checked: an invalid document is refused the same way.
    expectRateLimited(await importAs(alice.token, { format: 'not an export' }));
    const sessions = await api.call('GET', '/api/v1/sessions', { token: alice.token });
    expect(sessions.json.items).toHaveLength(3);

    // The user's other routes go on, and so do another user's imports.
    const read = await api.call('GET', '/api/v1/workflows', { token: alice.token });
    expect(read.status).toBe(200);
    expect(rateLimitOf(read.headers).policy).toBe('user');
    const again = await api.call('GET', `/api/v1/sessions/${created.json.id}/export`, {
      token: alice.token,
    });
    expect(again.status).toBe(200);
    expect(
      (await api.call('POST', '/api/v1/sessions', { token: alice.token, body: IDEA })).status,
    ).toBe(201);
    const byBob = await importAs(bob.token);
    expect(byBob.status, byBob.text).toBe(201);
    expect(rateLimitOf(byBob.headers)).toMatchObject({ policy: 'import', remaining: 1 });
  });

  it('refuse the (limit+1)th signed-in request of anyone with the global limit', async () => {
    const api = await start({ rateLimits: { globalPerHour: 3 } });
    // Registering and logging in carry no token: they do not count globally.
    const [alice, bob] = await Promise.all([api.user(), api.user()]);
    for (const user of [alice, bob, alice])
      expect((await api.call('GET', '/api/v1/workflows', { token: user.token })).status).toBe(200);
    const refused = await api.call('GET', '/api/v1/workflows', { token: bob.token });
    expectRateLimited(refused);
    expect(rateLimitOf(refused.headers)).toMatchObject({
      policy: 'global',
      quota: 3,
      remaining: 0,
    });
    // Operations routes are not API requests, and signing in still works.
    expect((await api.call('GET', '/health')).status).toBe(200);
    expect((await api.user()).token).toEqual(expect.any(String));
  });
});

describe('failed logins', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ rateLimits: { loginPer15Min: 3 } });
  });
  afterAll(() => api.close());

  it('lock an account after N failures, even for the right password, and no other account', async () => {
    const alice = 'locked@example.com';
    const bob = 'unlocked@example.com';
    for (const email of [alice, bob]) {
      const registered = await api.call('POST', '/api/v1/auth/register', {
        body: { email, password: PASSWORD },
      });
      expect(registered.status).toBe(201);
    }
    // The email is normalised before it is counted: case and spaces do not make a new account.
    for (const spelling of [alice, ' LOCKED@example.com', 'Locked@Example.COM ']) {
      const failed = await login(api, spelling, 'not the password');
      expect(failed.status).toBe(401);
      expect(failed.json.error.code).toBe('invalid_credentials');
    }
    const locked = await login(api, alice, PASSWORD);
    const retryAfter = expectRateLimited(locked);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(locked.json.accessToken).toBeUndefined();
    // The 429 names the policy that refused it, not the global one with room left.
    expect(rateLimitOf(locked.headers)).toMatchObject({
      policy: 'login-account-ip',
      quota: 3,
      window: 900,
      remaining: 0,
    });

    const other = await login(api, bob, PASSWORD);
    expect(other.status).toBe(200);
    expect(other.json.accessToken).toEqual(expect.any(String));
  });

  it("forget an account's failures after a successful login", async () => {
    const email = 'forgiven@example.com';
    await api.call('POST', '/api/v1/auth/register', { body: { email, password: PASSWORD } });
    for (let round = 0; round < 2; round++) {
      for (let failure = 0; failure < 2; failure++)
        expect((await login(api, email, 'not the password')).status).toBe(401);
      // Four failures in all, but never three since the last success.
      expect((await login(api, email, PASSWORD)).status).toBe(200);
    }
  });
});

describe('a burst of concurrent guesses', () => {
  let api: TestApi;
  beforeAll(async () => {
    // A compare that takes a while, like bcrypt at cost 12 on a busy server: every guess of the
    // burst arrives while the first are still being compared.
    const storage = createMemoryStorage();
    const slowHasher = {
      ...bcryptHasher,
      compare: async (password: string, hash: string) => {
        await sleep(300);
        return bcryptHasher.compare(password, hash);
      },
    };
    const accounts = createPasswordAuth({
      storage,
      secret: 'a-secret-for-the-burst-test-of-32-bytes',
      bcryptCost: 10,
      hasher: slowHasher,
    });
    api = await startTestApi({ storage, accounts, rateLimits: { loginPer15Min: 10 } });
  });
  afterAll(() => api.close());

  it('checks at most the limit of them: each is counted before its password is compared', async () => {
    await api.call('POST', '/api/v1/auth/register', {
      body: { email: 'burst@example.com', password: PASSWORD },
    });
    // 30 at once, the right password among them (last sent).
    const guesses = Array.from({ length: 30 }, (_unused, index) =>
      login(api, 'burst@example.com', index === 29 ? PASSWORD : `wrong guess ${index}`),
    );
    const statuses = (await Promise.all(guesses)).map((response) => response.status);
    expect(statuses.filter((status) => status !== 429)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(20);
  });

  it('gives a successful login its attempt back', async () => {
    const limits = createRateLimits({ loginPer15Min: 1 });
    const ctx = fakeContext({ ip: '10.0.0.9' });
    for (let login = 0; login < 5; login++) {
      await limits.loginGuard(ctx, 'ok@x.io');
      await limits.loginSucceeded(ctx, 'ok@x.io');
    }
    // Five good logins left no trace on the account or the address.
    await expect(limits.loginGuard(ctx, 'ok@x.io')).resolves.toBeUndefined();
    // Nor on the account from another address.
    await expect(
      limits.loginGuard(fakeContext({ ip: '10.0.0.10' }), 'ok@x.io'),
    ).resolves.toBeUndefined();
  });
});

describe('failed logins per IP', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ rateLimits: { loginPer15Min: 1 } });
  });
  afterAll(() => api.close());

  it('refuse an IP after 10× the account limit of failures across accounts', async () => {
    await api.call('POST', '/api/v1/auth/register', {
      body: { email: 'victim@example.com', password: PASSWORD },
    });
    for (let account = 0; account < 10; account++) {
      const failed = await login(api, `guess${account}@example.com`, 'not the password');
      expect(failed.status, `attempt ${account + 1}`).toBe(401);
    }
    const refused = await login(api, 'victim@example.com', PASSWORD);
    expectRateLimited(refused);
    expect(rateLimitOf(refused.headers)).toMatchObject({
      policy: 'login-ip',
      quota: 10,
      window: 900,
      remaining: 0,
    });
  });
});

/** A store whose limiters fail like a store that lost its connection. */
function brokenStore(fails: (keyPrefix: string) => boolean): RateLimitStore {
  return (options) => {
    if (!fails(options.keyPrefix)) return memoryRateLimitStore()(options);
    const down = () => Promise.reject(new Error('connect ECONNREFUSED 10.1.2.3:6379'));
    return {
      consume: down,
      get: down,
      delete: down,
      reward: down,
      set: down,
    } as unknown as RateLimiterAbstract;
  };
}

describe('a rate-limit store that fails', () => {
  it('makes every limit refuse with storage_unavailable', async () => {
    const limits = createRateLimits({ store: brokenStore(() => true) });
    const ctx = fakeContext({ userId: 'u1', ip: '10.0.0.1' });
    for (const counting of [
      limits.signedIn(ctx, false),
      limits.signedIn(ctx, true),
      limits.anonymous(ctx),
      limits.registration(ctx),
      limits.loginGuard(ctx, 'a@x.io'),
      limits.loginSucceeded(ctx, 'a@x.io'),
    ]) {
      const error: unknown = await counting.catch((thrown: unknown) => thrown);
      expect(UaipError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'storage_unavailable', retryAfterMs: 1000 });
    }
  });

  it('answers 503 storage_unavailable with Retry-After: 1 over HTTP, and no internals', async () => {
    const api = await startTestApi({ rateLimits: { store: brokenStore(() => true) } });
    try {
      for (const [method, path] of [
        ['GET', '/api/v1/workflows'],
        ['POST', '/api/v1/auth/login'],
      ] as const) {
        const response = await api.call(
          method,
          path,
          method === 'POST' ? { body: { email: 'a@example.com', password: PASSWORD } } : {},
        );
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toBe('1');
        expect(response.json).toEqual({
          error: {
            code: 'storage_unavailable',
            message: expect.any(String),
            requestId: response.headers.get('x-request-id'),
          },
        });
        expect(response.text).not.toMatch(/ECONNREFUSED|10\.1\.2\.3|at .*\.ts/);
      }
    } finally {
      await api.close();
    }
  });

  it('refuses a login when only the login counters fail, rather than checking the password unmetered', async () => {
    const api = await startTestApi({
      rateLimits: { store: brokenStore((prefix) => prefix.includes('login')) },
    });
    try {
      const refused = await login(api, 'anyone@example.com', PASSWORD);
      expect(refused.status).toBe(503);
      expect(refused.json.error.code).toBe('storage_unavailable');
      expect(refused.headers.get('retry-after')).toBe('1');
    } finally {
      await api.close();
    }
  });
});

/**
 * The 429 scenario on a store shared by instances: the first request after start is served, a
 * user's (limit+1)th request and a locked account are refused, and two app instances on one
 * store share the global counter.
 */
function sharedStoreScenario(makeStore: () => RateLimitStore) {
  const apis: TestApi[] = [];
  afterEach(async () => {
    await Promise.all(apis.splice(0).map((api) => api.close()));
  });

  it("serves the first request, then refuses a user's (limit+1)th and a locked account", async () => {
    const api = await startTestApi({
      rateLimits: { store: makeStore(), userPerHour: 2, loginPer15Min: 1 },
    });
    apis.push(api);
    const email = 'store-user@example.com';
    const registered = await api.call('POST', '/api/v1/auth/register', {
      body: { email, password: PASSWORD },
    });
    expect(registered.status, registered.text).toBe(201);
    const loggedIn = await login(api, email, PASSWORD);
    expect(loggedIn.status, loggedIn.text).toBe(200);
    const token = loggedIn.json.accessToken as string;
    for (let request = 1; request <= 2; request++) {
      const allowed = await api.call('GET', '/api/v1/workflows', { token });
      expect(allowed.status).toBe(200);
      expect(rateLimitOf(allowed.headers)).toMatchObject({
        policy: 'user',
        quota: 2,
        remaining: 2 - request,
      });
    }
    const refused = await api.call('GET', '/api/v1/workflows', { token });
    expectRateLimited(refused);
    expect(rateLimitOf(refused.headers)).toMatchObject({ policy: 'user', remaining: 0 });

    expect((await login(api, 'nobody@example.com', 'not the password')).status).toBe(401);
    const locked = await login(api, 'nobody@example.com', 'not the password');
    expectRateLimited(locked);
    expect(rateLimitOf(locked.headers)).toMatchObject({ policy: 'login-account-ip', quota: 1 });
  });

  it('counts failed logins of the longest emails too (the key is a fixed-length digest)', async () => {
    const api = await startTestApi({ rateLimits: { store: makeStore(), loginPer15Min: 1 } });
    apis.push(api);
    // 246 characters: a valid length for an email, too long for the store's key as it was.
    const email = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(50)}.io`;
    const failed = await login(api, email, 'not the password');
    expect(failed.status, failed.text).toBe(401);
    const locked = await login(api, email, 'not the password');
    expectRateLimited(locked);
    expect(rateLimitOf(locked.headers)).toMatchObject({ policy: 'login-account-ip', quota: 1 });
  });

  it('shares the global counter between two instances', async () => {
    const store = makeStore();
    // One user database behind both instances, as in a real deployment.
    const storage = createMemoryStorage();
    const first = await startTestApi({ storage, rateLimits: { store, globalPerHour: 3 } });
    apis.push(first);
    const second = await startTestApi({ storage, rateLimits: { store, globalPerHour: 3 } });
    apis.push(second);
    const { token } = await first.user();
    for (const api of [first, second, first]) {
      const response = await api.call('GET', '/api/v1/workflows', { token });
      expect(response.status, response.text).toBe(200);
    }
    const refused = await second.call('GET', '/api/v1/workflows', { token });
    expectRateLimited(refused);
    expect(rateLimitOf(refused.headers)).toMatchObject({
      policy: 'global',
      quota: 3,
      remaining: 0,
    });
  });
}

onSharedStores('the shared-store scenario', sharedStoreScenario, {
  postgres: (pool, table) => {
    it('answers 503 while the server is unreachable, and serves again once it is back', async () => {
      let down = true;
      const flaky = {
        query: (...args: unknown[]) =>
          down
            ? Promise.reject(
                Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
              )
            : (pool().query as (...query: unknown[]) => Promise<unknown>)(...args),
      };
      const api = await startTestApi({
        rateLimits: { store: postgresRateLimitStore(flaky, table()) },
      });
      try {
        const failed = await api.call('GET', '/api/v1/workflows');
        expect(failed.status).toBe(503);
        expect(failed.json.error.code).toBe('storage_unavailable');
        down = false;
        const served = await api.call('GET', '/api/v1/workflows');
        expect(served.status, served.text).toBe(401);
        expect(rateLimitOf(served.headers)).toMatchObject({ policy: 'anonymous', remaining: 999 });
      } finally {
        await api.close();
      }
    });
  },
});

describe('postgresRateLimitStore without a reachable server', () => {
  it('answers 503, and its table-making never becomes an unhandled rejection', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    // Port 9 (discard) refuses connections on loopback.
    const pool = new pg.Pool({ host: '127.0.0.1', port: 9, user: 'nobody', database: 'none' });
    try {
      const api = await startTestApi({
        rateLimits: { store: postgresRateLimitStore(pool, uniqueName('uaip_test_rl')) },
      });
      try {
        for (let attempt = 0; attempt < 2; attempt++) {
          const response = await api.call('GET', '/api/v1/workflows');
          expect(response.status).toBe(503);
          expect(response.json.error.code).toBe('storage_unavailable');
        }
      } finally {
        await api.close();
      }
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
      await pool.end();
    }
  });

  it('refuses a table name that is not a plain identifier', () => {
    expect(() => postgresRateLimitStore({}, 'limits"; drop table users; --')).toThrow(TypeError);
  });
});
