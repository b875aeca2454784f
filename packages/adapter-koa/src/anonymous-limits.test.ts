import { afterEach, describe, expect, it } from 'vitest';
import { PASSWORD, startTestApi, type TestApi } from './test-api.test-support';

// Requests without a valid token are counted per client address, never against the global
// limit that signed-in users share: a flood of them from one address (or from many) cannot
// lock every user out. The app trusts the proxy, so X-Forwarded-For picks each request's address.

const FLOODER = '203.0.113.9';
const from = (address: string) => ({ 'x-forwarded-for': address });

describe('requests without a valid token', () => {
  const apis: TestApi[] = [];
  afterEach(async () => {
    await Promise.all(apis.splice(0).map((api) => api.close()));
  });
  const start = async (rateLimits: Record<string, number>) => {
    const api = await startTestApi({ trustProxy: true, rateLimits });
    apis.push(api);
    return api;
  };

  it('never drain the global limit, and are refused per address past their own', async () => {
    const api = await start({ globalPerHour: 20, anonymousPerAddressPerHour: 30 });
    const user = await api.user();

    // Far more than the global limit, without a token, with a forged one, from one address...
    for (let request = 0; request < 30; request++) {
      const response = await api.call('GET', '/api/v1/sessions', {
        headers: from(FLOODER),
        ...(request % 2 ? { token: 'not.a.token' } : {}),
      });
      expect(response.status, `request ${request + 1}`).toBe(401);
    }
    // ...and from many: each address has its own count.
    for (let address = 0; address < 30; address++) {
      const response = await api.call('GET', '/api/v1/workflows', {
        headers: from(`198.51.100.${address}`),
      });
      expect(response.status).toBe(401);
    }
    // The flooding address is refused from now on...
    const refused = await api.call('GET', '/api/v1/sessions', { headers: from(FLOODER) });
    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe('rate_limited');
    expect(refused.headers.get('ratelimit')).toMatch(/^"anonymous";r=0;/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(
      (
        await api.call('POST', '/api/v1/auth/login', {
          body: { email: 'someone@example.com', password: PASSWORD },
          headers: from(FLOODER),
        })
      ).status,
    ).toBe(429);

    // ...while signed-in users are served, from that address too, and others still sign in.
    const served = await api.call('GET', '/api/v1/sessions', {
      token: user.token,
      headers: from(FLOODER),
    });
    expect(served.status, served.text).toBe(200);
    expect(served.headers.get('ratelimit-policy')).toMatch(/^"(global|user)"/);
    const other = await api.call('POST', '/api/v1/auth/register', {
      body: { email: 'newcomer@example.com', password: PASSWORD },
      headers: from('192.0.2.44'),
    });
    expect(other.status).toBe(201);
  });

  it('count IPv6 clients by their /64, so new addresses of one host do not add up to more', async () => {
    const api = await start({ anonymousPerAddressPerHour: 3 });
    for (let host = 1; host <= 3; host++) {
      const response = await api.call('GET', '/api/v1/sessions', {
        headers: from(`2001:db8:1:2::${host}`),
      });
      expect(response.status).toBe(401);
    }
    expect(
      (await api.call('GET', '/api/v1/sessions', { headers: from('2001:db8:1:2:aaaa::9') })).status,
    ).toBe(429);
    expect(
      (await api.call('GET', '/api/v1/sessions', { headers: from('2001:db8:1:3::1') })).status,
    ).toBe(401);
  });
});

describe('registration', () => {
  let api: TestApi | undefined;
  afterEach(() => api?.close());

  it('is limited per address, before the password is hashed', async () => {
    api = await startTestApi({
      trustProxy: true,
      rateLimits: { registrationsPerAddressPerHour: 3 },
    });
    const register = (email: string, address: string) =>
      api!.call('POST', '/api/v1/auth/register', {
        body: { email, password: PASSWORD },
        headers: from(address),
      });
    for (let account = 0; account < 3; account++)
      expect((await register(`bulk${account}@example.com`, FLOODER)).status).toBe(201);
    const refused = await register('bulk3@example.com', FLOODER);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit')).toMatch(/^"registration";r=0;/);
    // Nothing was made for the refused one: it can register from elsewhere.
    expect((await register('bulk3@example.com', '192.0.2.45')).status).toBe(201);
  });
});
