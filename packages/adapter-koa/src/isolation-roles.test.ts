import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeHalted, requestReview } from './review.test-support';
import type { RouteSpec } from './route-spec';
import { RICH_ANSWER, SCOPING_ANSWERS } from './session-driver.test-support';
import { namedUser, openEvents, share, type TestUser } from './sharing.test-support';
import { type CallResult, startTestApi, type TestApi } from './test-api.test-support';

// Quality bar "Isolation" with roles: on every route of the router's own table that takes a
// session id, the owner, an editor, a viewer, a reviewer (a viewer named in the committee
// review) and a stranger each get what their role allows. Readers read; the owner and editors
// answer and revise, viewers get 403; only the owner shares, changes roles, removes others,
// asks for a review and deletes (403 for a member); only a reviewer votes; a stranger gets 404,
// exactly as for a session that does not exist. A refused request changes nothing.

type Role = 'owner' | 'editor' | 'viewer' | 'reviewer' | 'stranger';
/**
 * Refused roles first: the owner's request may change what the others would be refused on.
 * The vote is the exception: only the reviewer may cast it, and the editor and the owner are
 * refused after it as before (they are no reviewers).
 */
const ROLES: Role[] = ['stranger', 'viewer', 'reviewer', 'editor', 'owner'];

const READ: Record<Role, number> = {
  owner: 200,
  editor: 200,
  viewer: 200,
  reviewer: 200,
  stranger: 404,
};
const WRITE: Record<Role, number> = {
  owner: 200,
  editor: 200,
  viewer: 403,
  reviewer: 403,
  stranger: 404,
};
const own = (status: number): Record<Role, number> => ({
  owner: status,
  editor: 403,
  viewer: 403,
  reviewer: 403,
  stranger: 404,
});
const VOTE: Record<Role, number> = {
  owner: 403,
  editor: 403,
  viewer: 403,
  reviewer: 200,
  stranger: 404,
};

/** What each role gets on each route, in the order the test walks them (deleting last). */
const MATRIX: Array<[string, Record<Role, number>]> = [
  ['GET /sessions/:id', READ],
  ['GET /sessions/:id/turns', READ],
  ['GET /sessions/:id/usage', READ],
  ['GET /sessions/:id/charter', READ],
  ['GET /sessions/:id/history', READ],
  ['GET /sessions/:id/events', READ],
  ['GET /sessions/:id/members', READ],
  ['GET /sessions/:id/review', READ],
  ['GET /sessions/:id/export', READ],
  ['GET /sessions/:id/webhook-deliveries', own(200)],
  ['POST /sessions/:id/answers', WRITE],
  ['POST /sessions/:id/turns/:turnId/revisions', WRITE],
  ['POST /sessions/:id/members', own(201)],
  ['PATCH /sessions/:id/members/:userId', own(200)],
  ['DELETE /sessions/:id/members/:userId', own(204)],
  // The owner's request opens a round naming the reviewer, who then votes in it.
  ['POST /sessions/:id/review', own(201)],
  ['POST /sessions/:id/review/votes', VOTE],
  ['DELETE /sessions/:id', own(204)],
];

const MISSING = '00000000-0000-4000-8000-000000000000';

let api: TestApi;
let users: Record<Role, TestUser>;
/** Someone the owner shares with during the walk: the target of the member routes. */
let other: TestUser;
/** A completed session (charter, revisions, its review) and an active one (answers). */
let completed: string;
let active: string;

beforeAll(async () => {
  api = await startTestApi();
  const [owner, editor, viewer, reviewer, stranger, extra] = await Promise.all(
    ['owner', 'editor', 'viewer', 'reviewer', 'stranger', 'other'].map((name) =>
      namedUser(api, name),
    ),
  );
  users = {
    owner: owner!,
    editor: editor!,
    viewer: viewer!,
    reviewer: reviewer!,
    stranger: stranger!,
  };
  other = extra!;
  // "Halt": the decision calls for a committee review.
  completed = await completeHalted(api, owner!.token);
  active = (
    await api.call('POST', '/api/v1/sessions', {
      token: owner!.token,
      body: { idea: 'Forecast demand for our stores' },
    })
  ).json.id;
  for (const id of [completed, active]) {
    for (const role of ['editor', 'viewer'] as const) {
      const shared = await share(api, owner!.token, id, { email: users[role].email, role });
      expect(shared.status).toBe(201);
    }
  }
  // Named in the review, the reviewer becomes a viewer of the completed session; a viewer of
  // the active one too, so that a write there is a member's 403 rather than a stranger's 404.
  const asked = await requestReview(api, owner!.token, completed, {
    reviewers: [{ email: reviewer!.email }],
  });
  expect(asked.status, asked.text).toBe(201);
  const shared = await share(api, owner!.token, active, { email: reviewer!.email, role: 'viewer' });
  expect(shared.status).toBe(201);
}, 60_000);
afterAll(() => api.close());

const get = (path: string, token = users.owner.token) =>
  api.call('GET', `/api/v1${path}`, { token });

/** Everything the owner sees of a session: compared around every refused request. */
async function ownerView(sessionId: string) {
  const responses = await Promise.all(
    ['', '/turns', '/usage', '/history', '/members', '/review', '/webhook-deliveries'].map(
      (suffix) => get(`/sessions/${sessionId}${suffix}`),
    ),
  );
  return responses.map((response) => `${response.status} ${response.text}`);
}

/** The request a route gets, valid for whoever is allowed to send it, made from the state now. */
async function requestFor(route: RouteSpec & { fullPath: string }) {
  const key = `${route.method.toUpperCase()} ${route.path}`;
  let sessionId = completed;
  let body: Record<string, unknown> | undefined;
  let turnId = '';
  if (key === 'POST /sessions/:id/answers') {
    sessionId = active;
    const question = (await get(`/sessions/${active}`)).json.pendingQuestion;
    body = { questionId: question.id, answer: RICH_ANSWER };
  } else if (key === 'POST /sessions/:id/turns/:turnId/revisions') {
    const turns = (await get(`/sessions/${completed}/turns`)).json.items as Array<{
      id: string;
      topicId: string | null;
      accepted: boolean;
      revisedBy: string | null;
    }>;
    turnId = turns.find(
      (turn) => turn.topicId === 'objective' && turn.accepted && turn.revisedBy === null,
    )!.id;
    body = { answer: SCOPING_ANSWERS.objective };
  } else if (key === 'POST /sessions/:id/members') body = { email: other.email, role: 'viewer' };
  else if (key === 'PATCH /sessions/:id/members/:userId') body = { role: 'editor' };
  else if (key === 'POST /sessions/:id/review')
    body = { reviewers: [{ email: users.reviewer.email }] };
  else if (key === 'POST /sessions/:id/review/votes')
    body = { vote: 'approve', comment: 'The risks are owned' };
  const path = route.fullPath
    .replace(':id', sessionId)
    .replace(':turnId', turnId)
    .replace(':userId', other.id);
  return { key, sessionId, path, body };
}

/** A body every route that takes one finds valid: only the session decides the answer. */
const anyBody = () => ({
  questionId: 'q-any',
  answer: RICH_ANSWER,
  email: other.email,
  role: 'viewer',
  reviewers: [{ email: other.email }],
  vote: 'approve',
  comment: 'The risks are owned',
});

async function send(method: string, path: string, role: Role, body?: object): Promise<CallResult> {
  const token = users[role].token;
  if (path.endsWith('/events')) {
    // An event stream never ends by itself: read its status, then hang up.
    const stream = await openEvents(api, token, path.split('/')[4]!);
    stream.close();
    if (stream.status === 200)
      return { status: 200, headers: new Headers(), json: undefined, text: '' };
  }
  const takesBody = method === 'POST' || method === 'PATCH';
  return api.call(method, path, { token, ...(body && takesBody ? { body } : {}) });
}

describe('owner, editor, viewer and stranger on every route that takes a session id', () => {
  it("covers the router's own table: a new route must say what each role gets", () => {
    const routes = api.app.router.routes.filter((route) => route.fullPath.includes(':id'));
    expect(routes.map((route) => `${route.method.toUpperCase()} ${route.path}`).sort()).toEqual(
      MATRIX.map(([key]) => key).sort(),
    );
  });

  it('gives each role what it may do, refuses the rest (403 for a member, 404 for a stranger) and changes nothing then', async () => {
    const routes = api.app.router.routes;
    const seen: string[] = [];
    for (const [key, expected] of MATRIX) {
      const route = routes.find((one) => `${one.method.toUpperCase()} ${one.path}` === key)!;
      for (const role of ROLES) {
        const { sessionId, path, body } = await requestFor(route);
        const status = expected[role];
        const before = status >= 400 ? await ownerView(sessionId) : null;
        const response = await send(route.method.toUpperCase(), path, role, body);
        const label = `${key} as ${role}: ${response.text.slice(0, 200)}`;
        expect(response.status, label).toBe(status);
        if (status === 403) expect(response.json.error.code, label).toBe('forbidden');
        if (status === 404) {
          expect(response.json.error.code, label).toBe('not_found');
          // Exactly what a session that does not exist gets.
          const missing = await send(
            route.method.toUpperCase(),
            path.replace(sessionId, MISSING),
            role,
            body,
          );
          expect(missing.json.error.message, label).toBe(response.json.error.message);
        }
        if (before) expect(await ownerView(sessionId), label).toEqual(before);
        seen.push(`${key} ${role} ${response.status}`);
      }
    }
    expect(seen).toHaveLength(MATRIX.length * ROLES.length);

    // Deleted by its owner: every route is 404 for everyone, members included.
    for (const [key] of MATRIX) {
      const route = routes.find((one) => `${one.method.toUpperCase()} ${one.path}` === key)!;
      const path = route.fullPath
        .replace(':id', completed)
        .replace(':turnId', MISSING)
        .replace(':userId', other.id);
      for (const role of ROLES) {
        const response = await send(route.method.toUpperCase(), path, role, anyBody());
        expect(response.status, `${key} as ${role} after the delete`).toBe(404);
      }
    }
  }, 60_000);

  it('lists the shared sessions for the editor and the viewer with their role, never for the stranger', async () => {
    const listed = async (role: Role) =>
      (
        (await get('/shared-sessions', users[role].token)).json.items as Array<{
          id: string;
          role: string;
          ownerId: string;
        }>
      ).map(({ id, role, ownerId }) => ({ id, role, ownerId }));
    expect(await listed('editor')).toContainEqual({
      id: active,
      role: 'editor',
      ownerId: users.owner.id,
    });
    expect(await listed('viewer')).toContainEqual({
      id: active,
      role: 'viewer',
      ownerId: users.owner.id,
    });
    expect(await listed('stranger')).toEqual([]);
    expect(await listed('owner')).toEqual([]);
  });

  it('makes a removed member a stranger again: 404 on every route', async () => {
    const removed = await api.call(
      'DELETE',
      `/api/v1/sessions/${active}/members/${users.viewer.id}`,
      { token: users.owner.token },
    );
    expect(removed.status).toBe(204);
    for (const [key] of MATRIX) {
      const [method, template] = key.split(' ') as [string, string];
      const path = `/api/v1${template}`
        .replace(':id', active)
        .replace(':turnId', MISSING)
        .replace(':userId', users.editor.id);
      const response = await send(method, path, 'viewer', anyBody());
      expect(response.status, `${key} as the removed viewer`).toBe(404);
    }
    expect((await get(`/sessions/${active}`, users.editor.token)).status).toBe(200);
  });
});
