import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  memberResultSchema,
  sessionMembersSchema,
  sessionPageSchema,
  sharedSessionPageSchema,
} from './index';
import { completeScoping, RICH_ANSWER, SCOPING_ANSWERS } from './session-driver.test-support';
import { namedUser, openEvents, share, type TestUser } from './sharing.test-support';
import { expectError, startTestApi, type TestApi } from './test-api.test-support';

// Sharing a session over HTTP: POST/GET /sessions/:id/members, PATCH/DELETE
// /sessions/:id/members/:userId and GET /shared-sessions, on memory storage. Who may do what
// on every route is the isolation matrix's (isolation.test.ts); these are the routes' own cases.

const MISSING = '00000000-0000-4000-8000-000000000000';

let api: TestApi;
let owner: TestUser;
let bob: TestUser;
let carol: TestUser;
let mallory: TestUser;

beforeAll(async () => {
  api = await startTestApi();
  [owner, bob, carol, mallory] = await Promise.all([
    namedUser(api, 'owner'),
    namedUser(api, 'bob'),
    namedUser(api, 'carol'),
    namedUser(api, 'mallory'),
  ]);
});
afterAll(() => api.close());

const path = (sessionId: string, suffix = '') => `/api/v1/sessions/${sessionId}${suffix}`;
const memberPath = (sessionId: string, userId: string) =>
  path(sessionId, `/members/${encodeURIComponent(userId)}`);

async function newSession(token = owner.token) {
  const created = await api.call('POST', '/api/v1/sessions', {
    token,
    body: { idea: 'Predict churn of prepaid customers' },
  });
  expect(created.status).toBe(201);
  return created.json as { id: string; pendingQuestion: { id: string } };
}

async function membersOf(sessionId: string, token = owner.token) {
  const response = await api.call('GET', path(sessionId, '/members'), { token });
  expect(response.status).toBe(200);
  return sessionMembersSchema.strict().parse(response.json);
}

describe('POST /sessions/:id/members', () => {
  it('shares by email (any letter case) as 201 with the member, and sets the role of a member as 200', async () => {
    const session = await newSession();
    const added = await share(api, owner.token, session.id, {
      email: `  ${bob.email.toUpperCase()} `,
      role: 'editor',
    });
    expect(added.status).toBe(201);
    const { member } = memberResultSchema.strict().parse(added.json);
    expect(member).toEqual({
      userId: bob.id,
      email: bob.email,
      name: null,
      role: 'editor',
      addedBy: owner.id,
      createdAt: expect.any(String),
      updatedAt: member.createdAt,
    });

    const changed = await share(api, owner.token, session.id, { email: bob.email, role: 'viewer' });
    expect(changed.status).toBe(200);
    expect(memberResultSchema.parse(changed.json).member).toMatchObject({
      userId: bob.id,
      role: 'viewer',
      createdAt: member.createdAt,
    });
    expect(await membersOf(session.id)).toEqual({
      ownerId: owner.id,
      owner: { email: owner.email, name: null },
      members: [changed.json.member],
    });
  });

  it('shares by userId too', async () => {
    const session = await newSession();
    const added = await share(api, owner.token, session.id, { userId: carol.id, role: 'viewer' });
    expect(added.status).toBe(201);
    expect(added.json.member).toMatchObject({ userId: carol.id, email: carol.email });
  });

  it('refuses a body without exactly one of email and userId, a bad role or email, with 400 naming it', async () => {
    const session = await newSession();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ role: 'viewer' }, 'email'],
      [{ email: bob.email, userId: bob.id, role: 'viewer' }, 'email'],
      [{ email: bob.email }, 'role'],
      [{ email: bob.email, role: 'owner' }, 'role'],
      [{ email: bob.email, role: 'admin' }, 'role'],
      [{ email: 'not an email', role: 'viewer' }, 'email'],
      [{ email: `${'a'.repeat(250)}@example.com`, role: 'viewer' }, 'email'],
      [{ userId: '', role: 'viewer' }, 'userId'],
      [{ userId: 'x'.repeat(201), role: 'viewer' }, 'userId'],
      [{ userId: 'a\u0000b', role: 'viewer' }, 'userId'],
      [{ userId: 42, role: 'viewer' }, 'userId'],
    ];
    for (const [body, field] of cases) {
      const response = await api.call('POST', path(session.id, '/members'), {
        token: owner.token,
        body,
      });
      expectError(response, 400, 'validation_failed', field);
    }
    expect((await membersOf(session.id)).members).toEqual([]);
  });

  it('refuses to share with oneself (400), by email or by id', async () => {
    const session = await newSession();
    const byEmail = await share(api, owner.token, session.id, {
      email: owner.email,
      role: 'editor',
    });
    expectError(byEmail, 400, 'validation_failed', 'email');
    const byId = await share(api, owner.token, session.id, { userId: owner.id, role: 'viewer' });
    expectError(byId, 400, 'validation_failed', 'userId');
    expect((await membersOf(session.id)).members).toEqual([]);
  });

  it('answers 404 for an email no account has, and changes nothing', async () => {
    const session = await newSession();
    const response = await share(api, owner.token, session.id, {
      email: 'nobody-at-all@example.com',
      role: 'viewer',
    });
    expect(expectError(response, 404, 'not_found').message).toMatch(/no account/i);
    expect((await membersOf(session.id)).members).toEqual([]);
    // A user id must name an account of the router's too; a stranger cannot probe which do.
    const ghost = { userId: 'no-such-user', role: 'viewer' };
    expectError(await share(api, owner.token, session.id, ghost), 404, 'not_found', 'userId');
    expect((await membersOf(session.id)).members).toEqual([]);
    const probe = await share(api, mallory.token, session.id, ghost);
    expect(probe.status).toBe(404);
    expect(probe.json.error.details).toBeUndefined();
  });

  it('is 403 for a member, whatever their role, and 404 for a stranger as for a missing session', async () => {
    const session = await newSession();
    await share(api, owner.token, session.id, { email: bob.email, role: 'editor' });
    await share(api, owner.token, session.id, { email: carol.email, role: 'viewer' });
    for (const member of [bob, carol]) {
      const response = await share(api, member.token, session.id, {
        email: mallory.email,
        role: 'viewer',
      });
      expectError(response, 403, 'forbidden');
    }
    const stranger = await share(api, mallory.token, session.id, {
      email: bob.email,
      role: 'editor',
    });
    const missing = await share(api, mallory.token, MISSING, { email: bob.email, role: 'editor' });
    expect(expectError(stranger, 404, 'not_found').message).toBe(
      expectError(missing, 404, 'not_found').message,
    );
    expect((await membersOf(session.id)).members.map((member) => member.userId)).toEqual([
      bob.id,
      carol.id,
    ]);
  });
});

describe('GET /sessions/:id/members', () => {
  it('lists the owner and the members for the owner and for every member; 404 for a stranger', async () => {
    const session = await newSession();
    expect(await membersOf(session.id)).toEqual({
      ownerId: owner.id,
      owner: { email: owner.email, name: null },
      members: [],
    });
    await share(api, owner.token, session.id, { email: bob.email, role: 'editor' });
    await share(api, owner.token, session.id, { email: carol.email, role: 'viewer' });
    const seen = await membersOf(session.id);
    expect(seen.members.map(({ userId, role }) => [userId, role])).toEqual([
      [bob.id, 'editor'],
      [carol.id, 'viewer'],
    ]);
    expect(await membersOf(session.id, bob.token)).toEqual(seen);
    expect(await membersOf(session.id, carol.token)).toEqual(seen);
    const stranger = await api.call('GET', path(session.id, '/members'), { token: mallory.token });
    expectError(stranger, 404, 'not_found');
    expectError(
      await api.call('GET', path('not-a-uuid', '/members'), { token: owner.token }),
      404,
      'not_found',
    );
  });
});

describe('PATCH /sessions/:id/members/:userId', () => {
  it("changes a member's role (200) and keeps when they were added", async () => {
    const session = await newSession();
    const added = (await share(api, owner.token, session.id, { email: bob.email, role: 'viewer' }))
      .json.member;
    const changed = await api.call('PATCH', memberPath(session.id, bob.id), {
      token: owner.token,
      body: { role: 'editor' },
    });
    expect(changed.status).toBe(200);
    expect(memberResultSchema.strict().parse(changed.json).member).toMatchObject({
      userId: bob.id,
      email: bob.email,
      role: 'editor',
      createdAt: added.createdAt,
    });
    expect((await membersOf(session.id)).members).toEqual([changed.json.member]);
  });

  it('is 404 for someone who is not a member, and adds nobody', async () => {
    const session = await newSession();
    for (const userId of [carol.id, owner.id, 'no-such-user', 'x'.repeat(201), 'a\u0000b']) {
      const response = await api.call('PATCH', memberPath(session.id, userId), {
        token: owner.token,
        body: { role: 'viewer' },
      });
      expectError(response, 404, 'not_found');
    }
    expect((await membersOf(session.id)).members).toEqual([]);
  });

  it('is 403 for a member (their own role included), 404 for a stranger, 400 for a bad role', async () => {
    const session = await newSession();
    await share(api, owner.token, session.id, { email: bob.email, role: 'editor' });
    await share(api, owner.token, session.id, { email: carol.email, role: 'viewer' });
    const attempts: Array<[TestUser, string, number]> = [
      [bob, bob.id, 403],
      [bob, carol.id, 403],
      [carol, carol.id, 403],
      [carol, mallory.id, 403],
      [mallory, bob.id, 404],
    ];
    for (const [caller, target, status] of attempts) {
      const response = await api.call('PATCH', memberPath(session.id, target), {
        token: caller.token,
        body: { role: 'editor' },
      });
      expectError(response, status, status === 403 ? 'forbidden' : 'not_found');
    }
    for (const body of [{}, { role: 'owner' }, { role: null }]) {
      const response = await api.call('PATCH', memberPath(session.id, bob.id), {
        token: owner.token,
        body,
      });
      expectError(response, 400, 'validation_failed', 'role');
    }
    expect((await membersOf(session.id)).members.map(({ userId, role }) => [userId, role])).toEqual(
      [
        [bob.id, 'editor'],
        [carol.id, 'viewer'],
      ],
    );
  });
});

describe('DELETE /sessions/:id/members/:userId', () => {
  it('lets the owner remove a member, who gets 404 on the session again', async () => {
    const session = await newSession();
    await share(api, owner.token, session.id, { email: bob.email, role: 'editor' });
    expect((await api.call('GET', path(session.id), { token: bob.token })).status).toBe(200);
    const removed = await api.call('DELETE', memberPath(session.id, bob.id), {
      token: owner.token,
    });
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    expectError(await api.call('GET', path(session.id), { token: bob.token }), 404, 'not_found');
    expect((await membersOf(session.id)).members).toEqual([]);
    for (const userId of [bob.id, 'x'.repeat(201), 'a\u0000b']) {
      const again = await api.call('DELETE', memberPath(session.id, userId), {
        token: owner.token,
      });
      expectError(again, 404, 'not_found');
    }
  });

  it('lets a member leave, but not remove anyone else (403); a stranger gets 404', async () => {
    const session = await newSession();
    await share(api, owner.token, session.id, { email: bob.email, role: 'editor' });
    await share(api, owner.token, session.id, { email: carol.email, role: 'viewer' });
    expectError(
      await api.call('DELETE', memberPath(session.id, carol.id), { token: bob.token }),
      403,
      'forbidden',
    );
    expectError(
      await api.call('DELETE', memberPath(session.id, bob.id), { token: mallory.token }),
      404,
      'not_found',
    );
    expectError(
      await api.call('DELETE', memberPath(session.id, mallory.id), { token: carol.token }),
      403,
      'forbidden',
    );
    const left = await api.call('DELETE', memberPath(session.id, carol.id), { token: carol.token });
    expect(left.status).toBe(204);
    expectError(await api.call('GET', path(session.id), { token: carol.token }), 404, 'not_found');
    expect((await membersOf(session.id)).members.map((member) => member.userId)).toEqual([bob.id]);
  });
});

describe('GET /shared-sessions', () => {
  it("pages through the sessions shared with the caller, newest first, with owner and role; never the caller's own", async () => {
    const reader = await namedUser(api, 'reader');
    const own = await newSession(reader.token);
    const ids: string[] = [];
    for (const role of ['viewer', 'editor', 'viewer']) {
      const session = await newSession();
      await share(api, owner.token, session.id, { email: reader.email, role });
      ids.unshift(session.id);
    }
    const first = await api.call('GET', '/api/v1/shared-sessions?limit=2', { token: reader.token });
    expect(first.status).toBe(200);
    const page = sharedSessionPageSchema.strict().parse(first.json);
    expect(page.items.map((item) => item.id)).toEqual(ids.slice(0, 2));
    expect(page.items[0]).toMatchObject({
      ownerId: owner.id,
      owner: { email: owner.email, name: null },
      role: 'viewer',
      status: 'active',
    });
    expect(page.items[1]).toMatchObject({ ownerId: owner.id, role: 'editor' });
    expect(page.nextCursor).toEqual(expect.any(String));
    const second = await api.call(
      'GET',
      `/api/v1/shared-sessions?limit=2&cursor=${page.nextCursor}`,
      { token: reader.token },
    );
    expect(second.json.items.map((item: { id: string }) => item.id)).toEqual(ids.slice(2));
    expect(second.json.nextCursor).toBeNull();

    // GET /sessions stays the caller's own sessions.
    const mine = sessionPageSchema.parse(
      (await api.call('GET', '/api/v1/sessions', { token: reader.token })).json,
    );
    expect(mine.items.map((item) => item.id)).toEqual([own.id]);

    // Removed or deleted: no longer listed.
    await api.call('DELETE', memberPath(ids[0]!, reader.id), { token: owner.token });
    await api.call('DELETE', path(ids[1]!), { token: owner.token });
    const after = await api.call('GET', '/api/v1/shared-sessions', { token: reader.token });
    expect(after.json.items.map((item: { id: string }) => item.id)).toEqual([ids[2]]);
  });

  it('refuses a limit outside 1-100, a cursor it did not write and an unknown parameter (400)', async () => {
    for (const query of [
      'limit=0',
      'limit=101',
      'limit=abc',
      'cursor=not%20a%20cursor',
      'page=2',
    ]) {
      const response = await api.call('GET', `/api/v1/shared-sessions?${query}`, {
        token: bob.token,
      });
      expectError(response, 400, 'validation_failed');
    }
    expect((await api.call('GET', '/api/v1/shared-sessions')).status).toBe(401);
  });
});

describe('roles on the session routes', () => {
  it('lets an editor answer; a viewer gets 403 and changes nothing; a role changed to viewer is 403 next', async () => {
    const session = await newSession();
    await share(api, owner.token, session.id, { email: bob.email, role: 'editor' });
    await share(api, owner.token, session.id, { email: carol.email, role: 'viewer' });
    const refused = await api.call('POST', path(session.id, '/answers'), {
      token: carol.token,
      body: { questionId: session.pendingQuestion.id, answer: RICH_ANSWER },
    });
    expect(expectError(refused, 403, 'forbidden').message).toMatch(/read/);
    const answered = await api.call('POST', path(session.id, '/answers'), {
      token: bob.token,
      body: { questionId: session.pendingQuestion.id, answer: RICH_ANSWER },
    });
    expect(answered.status).toBe(200);
    expect(answered.json.session.version).toBe(2);
    const view = await api.call('GET', path(session.id), { token: owner.token });
    expect(view.json.version).toBe(2);

    await api.call('PATCH', memberPath(session.id, bob.id), {
      token: owner.token,
      body: { role: 'viewer' },
    });
    const next = await api.call('POST', path(session.id, '/answers'), {
      token: bob.token,
      body: { questionId: view.json.pendingQuestion.id, answer: RICH_ANSWER },
    });
    expectError(next, 403, 'forbidden');
    expect((await api.call('GET', path(session.id), { token: owner.token })).json.version).toBe(2);
  });

  it("records an editor's revision as theirs in the history", async () => {
    const sessionId = await completeScoping(api, owner.token);
    await share(api, owner.token, sessionId, { email: bob.email, role: 'editor' });
    const turns = (await api.call('GET', path(sessionId, '/turns'), { token: bob.token })).json
      .items as Array<{ id: string; topicId: string | null; accepted: boolean }>;
    const objective = turns.find((turn) => turn.topicId === 'objective' && turn.accepted)!;
    const revised = await api.call('POST', path(sessionId, `/turns/${objective.id}/revisions`), {
      token: bob.token,
      body: { answer: SCOPING_ANSWERS.objective },
    });
    expect(revised.status, revised.text).toBe(200);
    const history = (await api.call('GET', path(sessionId, '/history'), { token: carol.token }))
      .status;
    expect(history).toBe(404);
    const entries = (await api.call('GET', path(sessionId, '/history'), { token: owner.token }))
      .json;
    const byRevision = [...entries.artifacts, ...entries.reports].filter(
      (entry: { revisionId: string | null }) => entry.revisionId === revised.json.revision.id,
    );
    expect(byRevision.length).toBeGreaterThan(0);
    for (const entry of byRevision) expect(entry.actorId).toBe(bob.id);
    const before = entries.artifacts.filter(
      (entry: { revisionId: string | null }) => entry.revisionId === null,
    );
    for (const entry of before) expect(entry.actorId).toBe(owner.id);
  });

  it('lets only the owner delete; afterwards the session is 404 for its members too', async () => {
    const session = await newSession();
    await share(api, owner.token, session.id, { email: bob.email, role: 'editor' });
    expectError(await api.call('DELETE', path(session.id), { token: bob.token }), 403, 'forbidden');
    expect((await api.call('DELETE', path(session.id), { token: owner.token })).status).toBe(204);
    expectError(await api.call('GET', path(session.id), { token: bob.token }), 404, 'not_found');
    expectError(
      await api.call('GET', path(session.id, '/members'), { token: bob.token }),
      404,
      'not_found',
    );
  });
});

describe('sharing.changed on the event stream', () => {
  it('tells the owner of each share, role change and removal', async () => {
    const session = await newSession();
    const stream = await openEvents(api, owner.token, session.id);
    try {
      await share(api, owner.token, session.id, { email: bob.email, role: 'viewer' });
      await api.call('PATCH', memberPath(session.id, bob.id), {
        token: owner.token,
        body: { role: 'editor' },
      });
      await api.call('DELETE', memberPath(session.id, bob.id), { token: owner.token });
      const events = await stream.until(
        (event) => event.type === 'sharing.changed' && event.role === null,
      );
      expect(
        events
          .filter((event) => event.type === 'sharing.changed')
          .map(({ userId, role, sessionId }) => ({ userId, role, sessionId })),
      ).toEqual([
        { userId: bob.id, role: 'viewer', sessionId: session.id },
        { userId: bob.id, role: 'editor', sessionId: session.id },
        { userId: bob.id, role: null, sessionId: session.id },
      ]);
    } finally {
      stream.close();
    }
  });

  it("streams to a member, and ends a member's stream when their access ends", async () => {
    const session = await newSession();
    await share(api, owner.token, session.id, { email: bob.email, role: 'viewer' });
    await share(api, owner.token, session.id, { email: carol.email, role: 'viewer' });
    const bobs = await openEvents(api, bob.token, session.id);
    const carols = await openEvents(api, carol.token, session.id);
    expect(bobs.status).toBe(200);
    try {
      expect(api.subscriptions(session.id)).toBe(2);
      // Another member leaving is news to Bob; his own removal ends his stream.
      await api.call('DELETE', memberPath(session.id, carol.id), { token: carol.token });
      const carolSaw = await carols.ended();
      expect(carolSaw.at(-1)).toMatchObject({
        type: 'sharing.changed',
        userId: carol.id,
        role: null,
      });
      await bobs.until((event) => event.type === 'sharing.changed' && event.userId === carol.id);
      await api.call('DELETE', memberPath(session.id, bob.id), { token: owner.token });
      const bobSaw = await bobs.ended();
      expect(bobSaw.at(-1)).toMatchObject({ type: 'sharing.changed', userId: bob.id, role: null });
      await expect.poll(() => api.subscriptions(session.id)).toBe(0);
      const reopened = await api.call('GET', path(session.id, '/events'), { token: bob.token });
      expectError(reopened, 404, 'not_found');
    } finally {
      bobs.close();
      carols.close();
    }
  });
});

describe('the user rate limit', () => {
  it('counts the sharing routes like any signed-in request: over it, 429', async () => {
    const limited = await startTestApi({
      rateLimits: {
        userPerHour: 3,
        registrationsPerAddressPerHour: 100,
        anonymousPerAddressPerHour: 100,
      },
    });
    try {
      const alice = await namedUser(limited, 'alice');
      const dave = await namedUser(limited, 'dave');
      const created = await limited.call('POST', '/api/v1/sessions', {
        token: alice.token,
        body: { idea: 'Cut churn' },
      });
      const first = await share(limited, alice.token, created.json.id, {
        email: dave.email,
        role: 'viewer',
      });
      expect(first.status).toBe(201);
      expect(first.headers.get('ratelimit-policy')).toBe('"user";q=3;w=3600');
      expect(
        (await limited.call('GET', path(created.json.id, '/members'), { token: alice.token }))
          .status,
      ).toBe(200);
      const refused = await limited.call('GET', '/api/v1/shared-sessions', { token: alice.token });
      expectError(refused, 429, 'rate_limited');
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      await limited.close();
    }
  });
});
