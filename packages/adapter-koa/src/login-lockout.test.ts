import { afterEach, describe, expect, it } from 'vitest';
import { onSharedStores } from './rate-limit-stores.test-support';
import { memoryRateLimitStore, type RateLimitStore } from './rate-limits';
import { type CallResult, PASSWORD, startTestApi, type TestApi } from './test-api.test-support';

// Lockout as a weapon: failed logins must slow a guesser down without letting a stranger lock
// the owner out. Each request comes from the address its X-Forwarded-For names (the app
// trusts the proxy), so one test plays the owner, guessers and a shared office address.

const OWNER_HOME = '198.51.100.10';
const GUESSER = '203.0.113.66';

// Each login costs a bcrypt compare (cost 10): 30-odd of them take seconds on a busy machine.
const SLOW = { timeout: 30_000 };

function lockoutScenario(makeStore: () => RateLimitStore) {
  const apis: TestApi[] = [];
  afterEach(async () => {
    await Promise.all(apis.splice(0).map((api) => api.close()));
  });
  const start = async () => {
    const api = await startTestApi({
      trustProxy: true,
      rateLimits: { store: makeStore(), loginPer15Min: 3 },
    });
    apis.push(api);
    return api;
  };
  const register = async (api: TestApi, email: string, from: string) => {
    const response = await api.call('POST', '/api/v1/auth/register', {
      body: { email, password: PASSWORD },
      headers: { 'x-forwarded-for': from },
    });
    expect(response.status, response.text).toBe(201);
  };
  const login = (api: TestApi, email: string, password: string, from: string) =>
    api.call('POST', '/api/v1/auth/login', {
      body: { email, password },
      headers: { 'x-forwarded-for': from },
    });
  const policyOf = (response: CallResult) => {
    expect(response.status, response.text).toBe(429);
    return /^"([a-z-]+)"/.exec(response.headers.get('ratelimit') ?? '')?.[1];
  };

  it("a stranger's failures never lock the owner out where the owner signs in", SLOW, async () => {
    const api = await start();
    const owner = 'owner@example.com';
    await register(api, owner, OWNER_HOME);
    expect((await login(api, owner, PASSWORD, OWNER_HOME)).status).toBe(200);

    // The guesser uses up their address's attempts on the account...
    for (let guess = 0; guess < 3; guess++)
      expect((await login(api, owner, `guess ${guess}`, GUESSER)).status).toBe(401);
    expect(policyOf(await login(api, owner, 'guess 4', GUESSER))).toBe('login-account-ip');
    // ...and, from a fresh address, the account's attempts from unknown addresses: a botnet
    // gets no more guesses than one address.
    expect(policyOf(await login(api, owner, PASSWORD, '203.0.113.67'))).toBe('login-account');

    // The owner, at home, is not refused, not even after failing once themselves.
    expect((await login(api, owner, 'a typo', OWNER_HOME)).status).toBe(401);
    const signedIn = await login(api, owner, PASSWORD, OWNER_HOME);
    expect(signedIn.status, signedIn.text).toBe(200);
    expect(signedIn.json.accessToken).toEqual(expect.any(String));
    // The guesser is still refused, the right password or not.
    expect(policyOf(await login(api, owner, PASSWORD, GUESSER))).toBe('login-account-ip');
  });

  it(
    'one guesser behind a shared address does not lock out the others behind it',
    SLOW,
    async () => {
      const api = await start();
      const office = '192.0.2.200';
      const colleague = 'colleague@example.com';
      const newcomer = 'newcomer@example.com';
      await register(api, colleague, office);
      await register(api, newcomer, '192.0.2.1');
      expect((await login(api, colleague, PASSWORD, office)).status).toBe(200);

      // 10 × 3 failures across accounts from the office: credential stuffing.
      for (let account = 0; account < 30; account++) {
        const failed = await login(api, `nobody${account}@example.com`, 'guess', office);
        expect(failed.status, `attempt ${account + 1}`).toBe(401);
      }
      // Accounts that never signed in from the office are refused from it...
      expect(policyOf(await login(api, newcomer, PASSWORD, office))).toBe('login-ip');
      // ...an account that did still gets in from it.
      expect((await login(api, colleague, PASSWORD, office)).status).toBe(200);
    },
  );
}

describe('failed logins on the memory store', () => {
  lockoutScenario(memoryRateLimitStore);
});

onSharedStores('failed logins', lockoutScenario);
