import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewAssignmentPageSchema, reviewResultSchema, sessionReviewSchema } from './index';
import { castVote, completeHalted, requestReview } from './review.test-support';
import { completeScoping } from './session-driver.test-support';
import { namedUser, openEvents, share, type TestUser } from './sharing.test-support';
import { expectError, NO_RATE_LIMITS, startTestApi, type TestApi } from './test-api.test-support';

// The committee review over HTTP: POST/GET /sessions/:id/review, POST /sessions/:id/review/votes
// and GET /reviews, on memory storage, with sessions the demo model completes as "Halt" (one of
// the decisions that call for a review). Who may do what on every route is also walked by
// isolation-roles.test.ts; these are the routes' own cases.

const MISSING = '00000000-0000-4000-8000-000000000000';

let api: TestApi;
let owner: TestUser;
let editor: TestUser;
let viewer: TestUser;
let rita: TestUser;
let ravi: TestUser;
let mallory: TestUser;

beforeAll(async () => {
  // The owner completes a dozen sessions: past the default LLM limit of 100 turns an hour.
  api = await startTestApi({ rateLimits: NO_RATE_LIMITS });
  [owner, editor, viewer, rita, ravi, mallory] = await Promise.all([
    namedUser(api, 'owner'),
    namedUser(api, 'editor'),
    namedUser(api, 'viewer'),
    namedUser(api, 'rita'),
    namedUser(api, 'ravi'),
    namedUser(api, 'mallory'),
  ]);
});
afterAll(() => api.close());

const path = (sessionId: string, suffix = '') => `/api/v1/sessions/${sessionId}${suffix}`;

/** A session completed as "Halt", shared with the editor and the viewer. */
async function haltedSession() {
  const sessionId = await completeHalted(api, owner.token);
  for (const [member, role] of [
    [editor, 'editor'],
    [viewer, 'viewer'],
  ] as const) {
    expect((await share(api, owner.token, sessionId, { email: member.email, role })).status).toBe(
      201,
    );
  }
  return sessionId;
}

async function reviewOf(sessionId: string, token = owner.token) {
  const response = await api.call('GET', path(sessionId, '/review'), { token });
  expect(response.status, response.text).toBe(200);
  return sessionReviewSchema.strict().parse(response.json).review;
}

async function membersOf(sessionId: string) {
  const response = await api.call('GET', path(sessionId, '/members'), { token: owner.token });
  return (response.json.members as Array<{ userId: string; role: string }>).map(
    ({ userId, role }) => [userId, role],
  );
}

describe('POST /sessions/:id/review', () => {
  it('opens round 1 (201) with reviewers named by email in any case; they can read the session, and every reader sees the same review', async () => {
    const sessionId = await haltedSession();
    expect(await reviewOf(sessionId)).toBeNull();
    expectError(await api.call('GET', path(sessionId), { token: rita.token }), 404, 'not_found');

    const requested = await requestReview(api, owner.token, sessionId, {
      reviewers: [{ email: `  ${rita.email.toUpperCase()} ` }, { userId: editor.id }],
      approvalsRequired: 1,
      note: '  Please look at the risks  ',
    });
    expect(requested.status, requested.text).toBe(201);
    const { review } = reviewResultSchema.strict().parse(requested.json);
    expect(review).toMatchObject({ sessionId, earlier: [], upToDate: true });
    expect(review.current).toMatchObject({
      round: 1,
      status: 'open',
      requestedBy: owner.id,
      note: 'Please look at the risks',
      outcome: 'Halt',
      approvalsRequired: 1,
      approvals: 0,
      rejections: 0,
      decidedBy: null,
      closedReason: null,
    });
    expect(review.current.reviewers).toEqual([
      { userId: rita.id, email: rita.email, name: null, vote: null, comment: null, votedAt: null },
      {
        userId: editor.id,
        email: editor.email,
        name: null,
        vote: null,
        comment: null,
        votedAt: null,
      },
    ]);

    // Rita was no member: she is now a viewer; the editor keeps their role.
    expect((await api.call('GET', path(sessionId), { token: rita.token })).status).toBe(200);
    expect(await membersOf(sessionId)).toEqual([
      [editor.id, 'editor'],
      [viewer.id, 'viewer'],
      [rita.id, 'viewer'],
    ]);
    for (const reader of [editor, viewer, rita]) {
      expect(await reviewOf(sessionId, reader.token)).toEqual(review);
    }
    const stranger = await api.call('GET', path(sessionId, '/review'), { token: mallory.token });
    const missing = await api.call('GET', path(MISSING, '/review'), { token: mallory.token });
    expect(expectError(stranger, 404, 'not_found').message).toBe(
      expectError(missing, 404, 'not_found').message,
    );
  });

  it('opens a new round on each request (201 again), the open one closed as replaced; a blank note is none', async () => {
    const sessionId = await haltedSession();
    await requestReview(api, owner.token, sessionId, { reviewers: [{ email: rita.email }] });
    const again = await requestReview(api, owner.token, sessionId, {
      reviewers: [{ email: ravi.email }],
      note: '   ',
    });
    expect(again.status, again.text).toBe(201);
    const { review } = reviewResultSchema.parse(again.json);
    expect(review.current).toMatchObject({ round: 2, status: 'open', note: null });
    expect(review.current.reviewers.map((reviewer) => reviewer.userId)).toEqual([ravi.id]);
    expect(review.earlier).toMatchObject([
      { round: 1, status: 'closed', closedReason: 'replaced' },
    ]);
  });

  it('refuses each bad body with 400 naming the field, and changes nothing', async () => {
    const sessionId = await haltedSession();
    const many = Array.from({ length: 21 }, (_, index) => ({ email: `r${index}@example.com` }));
    const cases: Array<[Record<string, unknown>, string]> = [
      [{}, 'reviewers'],
      [{ reviewers: [] }, 'reviewers'],
      [{ reviewers: 'rita' }, 'reviewers'],
      [{ reviewers: many }, 'reviewers'],
      [{ reviewers: [{}] }, 'reviewers.0.email'],
      [{ reviewers: [{ email: rita.email, userId: rita.id }] }, 'reviewers.0.email'],
      [{ reviewers: [{ email: 'not an email' }] }, 'reviewers.0.email'],
      [{ reviewers: [{ email: rita.email }, { userId: '' }] }, 'reviewers.1.userId'],
      [{ reviewers: [{ userId: 'a\u0000b' }] }, 'reviewers.0.userId'],
      [{ reviewers: [{ email: rita.email }], approvalsRequired: 2 }, 'approvalsRequired'],
      [{ reviewers: [{ email: rita.email }], approvalsRequired: 0 }, 'approvalsRequired'],
      [{ reviewers: [{ email: rita.email }], approvalsRequired: 1.5 }, 'approvalsRequired'],
      [{ reviewers: [{ email: rita.email }], approvalsRequired: '1' }, 'approvalsRequired'],
      [{ reviewers: [{ email: rita.email }], note: 'x'.repeat(2_001) }, 'note'],
      [{ reviewers: [{ email: rita.email }], note: 'a\u0000b' }, 'note'],
      // The core's own checks: the owner cannot review their session, nor anyone twice.
      [{ reviewers: [{ email: owner.email }] }, 'reviewers.0.email'],
      [{ reviewers: [{ email: rita.email }, { userId: rita.id }] }, 'reviewers.1.userId'],
    ];
    for (const [body, field] of cases) {
      const response = await requestReview(api, owner.token, sessionId, body);
      expectError(response, 400, 'validation_failed', field);
    }
    expect(await reviewOf(sessionId)).toBeNull();
    expect((await api.call('GET', path(sessionId), { token: rita.token })).status).toBe(404);
    const ghost = await requestReview(api, owner.token, sessionId, {
      reviewers: [{ email: rita.email }, { userId: 'no-such-user' }],
    });
    expectError(ghost, 404, 'not_found', 'reviewers.1.userId');
    expect(await reviewOf(sessionId)).toBeNull();
  });

  it('is 404 naming the reviewer for an email no account has, and grants nobody access', async () => {
    const sessionId = await haltedSession();
    const response = await requestReview(api, owner.token, sessionId, {
      reviewers: [{ email: rita.email }, { email: 'nobody-at-all@example.com' }],
    });
    expect(expectError(response, 404, 'not_found', 'reviewers.1.email').message).toMatch(
      /no account/i,
    );
    expect(await reviewOf(sessionId)).toBeNull();
    expect((await api.call('GET', path(sessionId), { token: rita.token })).status).toBe(404);
  });

  it('is 422 invalid_state for an unfinished session and for an outcome that calls for no review', async () => {
    const active = (
      await api.call('POST', '/api/v1/sessions', {
        token: owner.token,
        body: { idea: 'Predict churn of prepaid customers' },
      })
    ).json.id;
    const proceeding = await completeScoping(api, owner.token);
    for (const sessionId of [active, proceeding]) {
      const response = await requestReview(api, owner.token, sessionId, {
        reviewers: [{ email: rita.email }],
      });
      expectError(response, 422, 'invalid_state');
      expect(await reviewOf(sessionId)).toBeNull();
    }
    expect(
      expectError(
        await requestReview(api, owner.token, proceeding, { reviewers: [{ email: rita.email }] }),
        422,
        'invalid_state',
      ).message,
    ).toMatch(/Proceed/);
  });

  it('is 403 for a member, whatever their role, and 404 for a stranger as for a missing session', async () => {
    const sessionId = await haltedSession();
    const body = { reviewers: [{ email: rita.email }] };
    for (const member of [editor, viewer]) {
      expectError(await requestReview(api, member.token, sessionId, body), 403, 'forbidden');
    }
    const stranger = await requestReview(api, mallory.token, sessionId, body);
    const missing = await requestReview(api, mallory.token, MISSING, body);
    expect(expectError(stranger, 404, 'not_found').message).toBe(
      expectError(missing, 404, 'not_found').message,
    );
    expect(await reviewOf(sessionId)).toBeNull();
  });
});

describe('POST /sessions/:id/review/votes', () => {
  it('counts approvals until enough approve (decidedBy the last); a second vote is 409; others are refused and change nothing', async () => {
    const sessionId = await haltedSession();
    await requestReview(api, owner.token, sessionId, {
      reviewers: [{ email: rita.email }, { email: ravi.email }, { userId: viewer.id }],
      approvalsRequired: 2,
    });

    const first = await castVote(api, rita.token, sessionId, 'approve', '  Risks are owned  ');
    expect(first.status, first.text).toBe(200);
    const afterFirst = reviewResultSchema.strict().parse(first.json).review;
    expect(afterFirst.current).toMatchObject({ status: 'open', approvals: 1, decidedBy: null });
    expect(afterFirst.current.reviewers[0]).toMatchObject({
      userId: rita.id,
      vote: 'approve',
      comment: 'Risks are owned',
      votedAt: expect.any(String),
    });

    expectError(await castVote(api, rita.token, sessionId, 'reject'), 409, 'conflict');
    for (const member of [owner, editor]) {
      expectError(await castVote(api, member.token, sessionId, 'approve'), 403, 'forbidden');
    }
    const stranger = await castVote(api, mallory.token, sessionId, 'approve');
    const missing = await castVote(api, mallory.token, MISSING, 'approve');
    expect(expectError(stranger, 404, 'not_found').message).toBe(
      expectError(missing, 404, 'not_found').message,
    );
    for (const [body, field] of [
      [{ vote: 'maybe', comment: 'Hmm' }, 'vote'],
      [{ comment: 'Hmm' }, 'vote'],
      [{ vote: 'approve' }, 'comment'],
      [{ vote: 'approve', comment: '   ' }, 'comment'],
      [{ vote: 'approve', comment: 'x'.repeat(2_001) }, 'comment'],
    ] as const) {
      const response = await api.call('POST', path(sessionId, '/review/votes'), {
        token: ravi.token,
        body,
      });
      expectError(response, 400, 'validation_failed', field);
    }
    expect(await reviewOf(sessionId)).toEqual(afterFirst);

    const last = await castVote(api, ravi.token, sessionId, 'approve');
    expect(last.status, last.text).toBe(200);
    const decided = reviewResultSchema.parse(last.json).review;
    expect(decided.current).toMatchObject({
      status: 'approved',
      approvals: 2,
      decidedBy: ravi.id,
      decidedAt: expect.any(String),
    });
    // Decided: the third reviewer's vote comes too late.
    expectError(await castVote(api, viewer.token, sessionId, 'approve'), 422, 'invalid_state');
    expect(await reviewOf(sessionId, viewer.token)).toEqual(decided);
  });

  it('rejects once the approvals can no longer come', async () => {
    const sessionId = await haltedSession();
    await requestReview(api, owner.token, sessionId, {
      reviewers: [{ email: rita.email }, { email: ravi.email }],
    });
    const rejected = await castVote(api, ravi.token, sessionId, 'reject', 'No monitoring plan');
    expect(rejected.status, rejected.text).toBe(200);
    expect(rejected.json.review.current).toMatchObject({
      status: 'rejected',
      rejections: 1,
      decidedBy: ravi.id,
    });
  });

  it('is 422 without a review, and while a revision is under way', async () => {
    const sessionId = await haltedSession();
    expectError(await castVote(api, rita.token, sessionId, 'approve'), 404, 'not_found');
    expectError(await castVote(api, viewer.token, sessionId, 'approve'), 422, 'invalid_state');
    await requestReview(api, owner.token, sessionId, { reviewers: [{ email: rita.email }] });
    const turns = (await api.call('GET', path(sessionId, '/turns'), { token: owner.token })).json
      .items as Array<{ id: string; topicId: string | null; accepted: boolean }>;
    const objective = turns.find((turn) => turn.topicId === 'objective' && turn.accepted)!;
    // A vague answer gets a follow-up: the revision waits on it.
    const revised = await api.call('POST', path(sessionId, `/turns/${objective.id}/revisions`), {
      token: owner.token,
      body: { answer: 'no idea' },
    });
    expect(revised.json.outcome?.kind, revised.text).toBe('follow_up');
    const refused = await castVote(api, rita.token, sessionId, 'approve');
    expect(expectError(refused, 422, 'invalid_state').message).toMatch(/revision/);
    expect((await reviewOf(sessionId))?.current.reviewers[0]?.vote).toBeNull();
  });
});

describe('the review.* events', () => {
  it("tell the owner's stream of the request (and the new viewer), each vote and the decision", async () => {
    const sessionId = await haltedSession();
    const stream = await openEvents(api, owner.token, sessionId);
    try {
      await requestReview(api, owner.token, sessionId, { reviewers: [{ email: rita.email }] });
      await castVote(api, rita.token, sessionId, 'approve');
      const events = await stream.until((event) => event.type === 'review.decided');
      const told = events
        .filter((event) => event.type.startsWith('review.') || event.type === 'sharing.changed')
        .map(({ version: _version, at: _at, ...event }) => event);
      expect(told).toEqual([
        { type: 'sharing.changed', sessionId, userId: rita.id, role: 'viewer' },
        {
          type: 'review.requested',
          sessionId,
          round: 1,
          reviewers: [rita.id],
          approvalsRequired: 1,
        },
        { type: 'review.voted', sessionId, round: 1, userId: rita.id, vote: 'approve' },
        { type: 'review.decided', sessionId, round: 1, outcome: 'approved', decidedBy: rita.id },
      ]);
    } finally {
      stream.close();
    }
  });
});

describe('GET /reviews', () => {
  it("pages through the reviews asked of the caller, newest first, with their vote; ?status filters; others' lists stay empty", async () => {
    const reviewer = await namedUser(api, 'pager');
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) {
      const sessionId = await completeHalted(api, owner.token);
      await requestReview(api, owner.token, sessionId, { reviewers: [{ email: reviewer.email }] });
      ids.unshift(sessionId);
    }
    await castVote(api, reviewer.token, ids[1]!, 'approve');

    const first = await api.call('GET', '/api/v1/reviews?limit=2', { token: reviewer.token });
    expect(first.status, first.text).toBe(200);
    const page = reviewAssignmentPageSchema.strict().parse(first.json);
    expect(page.items.map((item) => item.id)).toEqual(ids.slice(0, 2));
    expect(page.items[0]).toMatchObject({
      ownerId: owner.id,
      owner: { email: owner.email, name: null },
      status: 'completed',
      outcome: 'Halt',
      review: { round: 1, status: 'open', vote: null },
    });
    expect(page.items[1]?.review).toMatchObject({ status: 'approved', vote: 'approve' });
    const second = await api.call('GET', `/api/v1/reviews?limit=2&cursor=${page.nextCursor}`, {
      token: reviewer.token,
    });
    expect(second.json.items.map((item: { id: string }) => item.id)).toEqual(ids.slice(2));
    expect(second.json.nextCursor).toBeNull();

    const approved = await api.call('GET', '/api/v1/reviews?status=approved', {
      token: reviewer.token,
    });
    expect(approved.json.items.map((item: { id: string }) => item.id)).toEqual([ids[1]]);
    for (const someone of [owner, mallory]) {
      const listed = await api.call('GET', '/api/v1/reviews', { token: someone.token });
      expect(listed.json).toEqual({ items: [], nextCursor: null });
    }
  });

  it('refuses a bad status, limit or cursor and an unknown parameter (400); 401 without a token', async () => {
    for (const query of [
      'status=pending',
      'limit=0',
      'limit=101',
      'cursor=not%20a%20cursor',
      'page=2',
    ]) {
      const response = await api.call('GET', `/api/v1/reviews?${query}`, { token: rita.token });
      expectError(response, 400, 'validation_failed');
    }
    expect((await api.call('GET', '/api/v1/reviews')).status).toBe(401);
  });
});

describe('the charter', () => {
  it('shows the committee review, and signs the AI ethics committee line once it is decided', async () => {
    const sessionId = await haltedSession();
    const charter = async (format: 'md' | 'json') =>
      api.call('GET', path(sessionId, `/charter?format=${format}`), { token: viewer.token });
    expect((await charter('json')).json.approval.review).toBeNull();
    expect((await charter('md')).text).not.toContain('## Committee review');

    await requestReview(api, owner.token, sessionId, {
      reviewers: [{ email: rita.email }, { email: ravi.email }],
      note: 'Check the safety risks',
    });
    const open = (await charter('md')).text;
    expect(open).toContain('## Committee review');
    expect(open).toContain('Round 1. Open: 0 of 2 approvals needed');
    expect(open).toContain('- **Note to reviewers:** Check the safety risks');
    expect(open).toMatch(/\| AI ethics committee \|\s+\|\s+\|\s+\|/);

    await castVote(api, rita.token, sessionId, 'approve', 'Halting is right');
    const decided = (await castVote(api, ravi.token, sessionId, 'approve', 'Agreed')).json.review;
    const day = (decided.current.decidedAt as string).slice(0, 10);
    const markdown = (await charter('md')).text;
    expect(markdown).toContain(`| ${rita.email} | Approved | Halting is right | ${day} |`);
    expect(markdown).toContain(
      `| AI ethics committee | ${rita.email}, ${ravi.email} | Approved (review round 1) | ${day} |`,
    );
    expect((await charter('json')).json.approval.review).toMatchObject({
      round: 1,
      status: 'approved',
      reviewedDecision: 'Halt',
      decidedBy: ravi.email,
      decidedAt: decided.current.decidedAt,
    });
  });
});

describe('the user rate limit', () => {
  it('counts the review routes like any signed-in request (not as LLM turns): over it, 429', async () => {
    const limited = await startTestApi({
      rateLimits: {
        userPerHour: 3,
        registrationsPerAddressPerHour: 100,
        anonymousPerAddressPerHour: 100,
      },
    });
    try {
      const alice = await namedUser(limited, 'alice');
      const created = await limited.call('POST', '/api/v1/sessions', {
        token: alice.token,
        body: { idea: 'Cut churn' },
      });
      const bob = await namedUser(limited, 'bob');
      const asked = await requestReview(limited, alice.token, created.json.id, {
        reviewers: [{ userId: bob.id }],
      });
      expectError(asked, 422, 'invalid_state');
      expect(asked.headers.get('ratelimit-policy')).toBe('"user";q=3;w=3600');
      const read = await limited.call('GET', path(created.json.id, '/review'), {
        token: alice.token,
      });
      expect(read.status).toBe(200);
      const refused = await limited.call('GET', '/api/v1/reviews', { token: alice.token });
      expectError(refused, 429, 'rate_limited');
    } finally {
      await limited.close();
    }
  });
});
