import { createMemoryStorage, createPasswordAuth } from '@uaip/core';
import { fixedClock } from '@uaip/core/testing';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteSpec } from './route-spec';
import { completeSession, RICH_ANSWER } from './session-driver.test-support';
import { namedUser, share, type TestUser } from './sharing.test-support';
import { SECRET, startTestApi, type TestApi } from './test-api.test-support';

let api: TestApi;
let owner: TestUser;
let intruder: TestUser;
let member: TestUser;
let sessionId: string;

beforeAll(async () => {
  api = await startTestApi();
  [owner, intruder, member] = await Promise.all([
    namedUser(api, 'owner'),
    namedUser(api, 'intruder'),
    namedUser(api, 'member'),
  ]);
  sessionId = await completeSession(api, owner.token);
  // A member, so the member routes have someone to name.
  await share(api, owner.token, sessionId, { email: member.email, role: 'viewer' });
}, 60_000);
afterAll(() => api.close());

/** What the owner can see of the session: compared before and after every intrusion. */
async function ownerView() {
  const responses = await Promise.all(
    [
      '',
      '/turns',
      '/usage',
      '/charter',
      '/history',
      '/members',
      '/review',
      '/webhook-deliveries',
    ].map((suffix) =>
      api.call('GET', `/api/v1/sessions/${sessionId}${suffix}`, { token: owner.token }),
    ),
  );
  return responses.map((response) => response.text);
}

/** A body each route that takes one would accept from someone allowed to send it. */
function validBody(route: RouteSpec): Record<string, unknown> | undefined {
  if (!route.body) return undefined;
  const bodies: Record<string, Record<string, unknown>> = {
    answer: { questionId: 'q-any', answer: RICH_ANSWER },
    reviseAnswer: { answer: RICH_ANSWER },
    shareSession: { email: intruder.email, role: 'editor' },
    changeMemberRole: { role: 'editor' },
    requestReview: { reviewers: [{ email: intruder.email }] },
    voteOnReview: { vote: 'approve', comment: 'Let me in' },
  };
  const body = bodies[route.operationId];
  if (!body) throw new Error(`no body for ${route.operationId}: add one`);
  return body;
}

describe("another user's session is always 404", () => {
  it("on every route of the router's own table that takes a session id, and the owner sees no change", async () => {
    const routes = api.app.router.routes.filter((route) => route.fullPath.includes(':id'));
    expect(routes.map((route) => `${route.method.toUpperCase()} ${route.path}`).sort()).toEqual([
      'DELETE /sessions/:id',
      'DELETE /sessions/:id/members/:userId',
      'GET /sessions/:id',
      'GET /sessions/:id/charter',
      'GET /sessions/:id/events',
      'GET /sessions/:id/export',
      'GET /sessions/:id/history',
      'GET /sessions/:id/members',
      'GET /sessions/:id/review',
      'GET /sessions/:id/turns',
      'GET /sessions/:id/usage',
      'GET /sessions/:id/webhook-deliveries',
      'PATCH /sessions/:id/members/:userId',
      'POST /sessions/:id/answers',
      'POST /sessions/:id/members',
      'POST /sessions/:id/review',
      'POST /sessions/:id/review/votes',
      'POST /sessions/:id/turns/:turnId/revisions',
    ]);
    const before = await ownerView();
    // A revision names one of the owner's real turns.
    const turns = await api.call('GET', `/api/v1/sessions/${sessionId}/turns`, {
      token: owner.token,
    });
    const turnId = turns.json.items[0].id as string;
    for (const route of routes) {
      const body = validBody(route);
      const path = route.fullPath
        .replace(':id', sessionId)
        .replace(':turnId', turnId)
        .replace(':userId', member.id);
      const response = await api.call(route.method.toUpperCase(), path, {
        token: intruder.token,
        ...(body ? { body } : {}),
      });
      expect(response.status, `${route.method} ${route.path}`).toBe(404);
      expect(response.json.error.code).toBe('not_found');
      // Exactly what a session that does not exist gets.
      const missing = await api.call(
        route.method.toUpperCase(),
        route.fullPath
          .replace(':id', '00000000-0000-4000-8000-000000000000')
          .replace(':turnId', turnId)
          .replace(':userId', member.id),
        { token: intruder.token, ...(body ? { body } : {}) },
      );
      expect(missing.json.error.message).toBe(response.json.error.message);
    }
    expect(await ownerView()).toEqual(before);
    expect(
      (await api.call('GET', '/api/v1/sessions', { token: intruder.token })).json.items,
    ).toEqual([]);
    expect(
      (await api.call('GET', '/api/v1/shared-sessions', { token: intruder.token })).json.items,
    ).toEqual([]);
    expect(
      (await api.call('GET', '/api/v1/reviews', { token: intruder.token })).json.items,
    ).toEqual([]);
  });
});

describe('forged and stale tokens are 401', () => {
  it('refuses alg none, a tampered payload, another secret, expired, no exp, wrong iss or aud', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: owner.id, ver: 0, iat: now, exp: now + 600 };
    const sign = (payload: object, options: jwt.SignOptions = {}, secret = SECRET) =>
      jwt.sign(payload, secret, {
        algorithm: 'HS256',
        issuer: 'uaip',
        audience: 'uaip-api',
        ...options,
      });
    const [header, , signature] = owner.token.split('.');
    const forged: Record<string, string> = {
      'alg none': `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, iss: 'uaip', aud: 'uaip-api' })).toString('base64url')}.`,
      'tampered payload': `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: intruder.id, iss: 'uaip', aud: 'uaip-api' })).toString('base64url')}.${signature}`,
      'another secret': sign(claims, {}, 'some-other-secret-of-at-least-32-bytes!'),
      expired: sign({ ...claims, iat: now - 7200, exp: now - 3600 }),
      'no exp': sign({ sub: owner.id, ver: 0, iat: now }),
      'wrong iss': sign(claims, { issuer: 'someone-else' }),
      'wrong aud': sign(claims, { audience: 'another-api' }),
      'too old (iat beyond the lifetime)': sign({ ...claims, iat: now - 90_000, exp: now + 600 }),
    };
    for (const [name, token] of Object.entries(forged)) {
      const response = await api.call('GET', '/api/v1/auth/me', { token });
      expect(response.status, name).toBe(401);
      expect(response.json.error.code).toBe('unauthorized');
      expect(response.text).not.toMatch(/jwt|signature|expired|malformed/i);
    }
    expect((await api.call('GET', '/api/v1/auth/me', { token: sign(claims) })).status).toBe(200);
  });

  it("judges expiry by the accounts' clock, which issued the token, not by the wall clock", async () => {
    const clock = fixedClock();
    const storage = createMemoryStorage();
    const accounts = createPasswordAuth({
      storage,
      secret: SECRET,
      bcryptCost: 10,
      tokenTtlSeconds: 3600,
      clock,
    });
    const timed = await startTestApi({ storage, accounts });
    try {
      const { token } = await timed.user();
      expect((await timed.call('GET', '/api/v1/auth/me', { token })).status).toBe(200);
      clock.advance(3_600_000);
      expect((await timed.call('GET', '/api/v1/auth/me', { token })).status).toBe(401);
    } finally {
      await timed.close();
    }
  });

  it("refuses a token at once when its user's tokens are revoked through this server", async () => {
    const user = await api.user();
    expect((await api.call('GET', '/api/v1/auth/me', { token: user.token })).status).toBe(200);
    const revoked = await api.call('POST', '/api/v1/auth/logout-all', { token: user.token });
    expect(revoked.status).toBe(204);
    expect((await api.call('GET', '/api/v1/auth/me', { token: user.token })).status).toBe(401);
  });

  it('refuses a token revoked by another instance on the same storage within 2 seconds', async () => {
    const clock = fixedClock();
    const storage = createMemoryStorage();
    const accounts = createPasswordAuth({ storage, secret: SECRET, bcryptCost: 10, clock });
    const server = await startTestApi({ storage, accounts });
    try {
      const user = await server.user();
      expect((await server.call('GET', '/api/v1/auth/me', { token: user.token })).status).toBe(200);
      // Another instance revokes: it writes the new token version to the shared storage.
      const record = (await storage.getUser(user.id))!;
      await storage.updateUser(user.id, { tokenVersion: record.tokenVersion + 1 });
      clock.advance(2001);
      expect((await server.call('GET', '/api/v1/auth/me', { token: user.token })).status).toBe(401);
    } finally {
      await server.close();
    }
  });
});
