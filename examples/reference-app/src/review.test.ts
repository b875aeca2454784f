import { describe, expect } from 'vitest';
import { account, followEvents } from './app-process.test-support';
import { onEveryStorage, type RunningApp } from './on-every-storage.test-support';
import { completeSession, HALT_ANSWERS } from './scoping-answers.test-support';

// The committee review end to end (issue 23): the reference app as `npm start` runs it, on
// embedded storage and on PostgreSQL, the real Claude client against a fake Claude that answers
// like the demo provider. A session whose charter says Halt, which goes to the committee; the owner names two
// reviewers, who approve; the charter records the review and signs the committee's line. The
// owner, an editor, a viewer, a reviewer and a stranger try every review route on the way.

async function reviewToOutcome({ app }: RunningApp) {
  const owner = await account(app, 'owner');
  const editor = await account(app, 'editor');
  const viewer = await account(app, 'viewer');
  const reviewer1 = await account(app, 'reviewer1');
  const reviewer2 = await account(app, 'reviewer2');
  const stranger = await account(app, 'stranger');
  const session = await completeSession(app, owner.token, HALT_ANSWERS);
  const path = (suffix = '') => `/api/v1/sessions/${session.id}${suffix}`;
  const charter = (await app.call('GET', path('/charter?format=json'), { token: owner.token }))
    .json;
  expect(charter.decision).toMatchObject({
    decision: 'halt',
    requiresCommitteeReview: true,
  });
  expect(charter.approval.review).toBeNull();
  for (const [who, role] of [
    [editor, 'editor'],
    [viewer, 'viewer'],
  ] as const) {
    const shared = await app.call('POST', path('/members'), {
      token: owner.token,
      body: { email: who.email, role },
    });
    expect(shared.status, shared.text).toBe(201);
  }
  const events = followEvents(
    app,
    owner.token,
    session.id,
    (event) => event.type === 'review.decided',
  );

  // Before the request: no review, and a stranger learns nothing.
  expect((await app.call('GET', path('/review'), { token: viewer.token })).json).toEqual({
    review: null,
  });
  const request = {
    reviewers: [{ email: reviewer1.email.toUpperCase() }, { email: reviewer2.email }],
    note: 'Every principle came out CRITICAL',
  };
  const status = async (method: string, suffix: string, who: { token: string }, body?: object) =>
    (await app.call(method, path(suffix), { token: who.token, body })).status;
  expect(await status('POST', '/review', editor, request)).toBe(403);
  expect(await status('POST', '/review', viewer, request)).toBe(403);
  expect(await status('POST', '/review', stranger, request)).toBe(404);
  expect(await status('GET', '/review', stranger)).toBe(404);
  expect(await status('GET', '', reviewer1)).toBe(404);

  // The owner names two reviewers by email.
  const requested = await app.call('POST', path('/review'), { token: owner.token, body: request });
  expect(requested.status, requested.text).toBe(201);
  expect(requested.json.review.current).toMatchObject({
    round: 1,
    status: 'open',
    outcome: 'Halt',
    approvalsRequired: 2,
    note: request.note,
    reviewers: [
      { userId: reviewer1.id, email: reviewer1.email, vote: null },
      { userId: reviewer2.id, email: reviewer2.email, vote: null },
    ],
  });
  // The reviewers can now read what they review, every read route; the stranger still cannot.
  for (const suffix of ['', '/turns', '/charter?format=md', '/members', '/review']) {
    expect(await status('GET', suffix, reviewer1), suffix).toBe(200);
    expect(await status('GET', suffix, stranger), suffix).toBe(404);
  }
  const asked = await app.call('GET', '/api/v1/reviews?status=open', { token: reviewer1.token });
  expect(asked.json.items).toEqual([
    expect.objectContaining({
      id: session.id,
      ownerId: owner.id,
      review: expect.objectContaining({ round: 1, status: 'open', vote: null }),
    }),
  ]);
  expect((await app.call('GET', '/api/v1/reviews', { token: editor.token })).json.items).toEqual(
    [],
  );

  // Only the reviewers vote; once each.
  const approve = { vote: 'approve', comment: 'The monthly fairness audit is enough' };
  for (const who of [owner, editor, viewer]) {
    expect(await status('POST', '/review/votes', who, approve)).toBe(403);
  }
  expect(await status('POST', '/review/votes', stranger, approve)).toBe(404);
  expect(await status('POST', '/review/votes', reviewer1, { vote: 'approve' })).toBe(400);
  const first = await app.call('POST', path('/review/votes'), {
    token: reviewer1.token,
    body: approve,
  });
  expect(first.status, first.text).toBe(200);
  expect(first.json.review.current).toMatchObject({ status: 'open', approvals: 1 });
  const again = await app.call('POST', path('/review/votes'), {
    token: reviewer1.token,
    body: { vote: 'reject', comment: 'Changed my mind' },
  });
  expect(again.status).toBe(409);
  expect(again.json.error.code).toBe('conflict');
  const second = await app.call('POST', path('/review/votes'), {
    token: reviewer2.token,
    body: { vote: 'approve', comment: 'With the weekly dashboard' },
  });
  expect(second.status, second.text).toBe(200);
  expect(second.json.review.current).toMatchObject({
    status: 'approved',
    approvals: 2,
    decidedBy: reviewer2.id,
  });

  // The outcome is recorded in the charter, read alike by everyone who may read it.
  const decidedAt = second.json.review.current.decidedAt as string;
  const recorded = (await app.call('GET', path('/charter?format=json'), { token: owner.token }))
    .json;
  expect(recorded.approval.review).toMatchObject({
    status: 'approved',
    decidedBy: reviewer2.email,
    decidedAt,
    reviewers: [
      { name: reviewer1.email, vote: 'approve', comment: approve.comment },
      { name: reviewer2.email, vote: 'approve', comment: 'With the weekly dashboard' },
    ],
  });
  const markdown = await app.call('GET', path('/charter?format=md'), {
    token: reviewer2.token,
  });
  expect(markdown.text).toContain('## Committee review');
  expect(markdown.text).toContain(
    `| AI ethics committee | ${reviewer1.email}, ${reviewer2.email} | Approved (review round 1) | ${decidedAt.slice(0, 10)} |`,
  );
  const done = await app.call('GET', '/api/v1/reviews?status=approved', {
    token: reviewer1.token,
  });
  expect(done.json.items).toEqual([
    expect.objectContaining({
      id: session.id,
      review: expect.objectContaining({ vote: 'approve' }),
    }),
  ]);

  // The owner's stream told of each step.
  const streamed = (await events).filter((event) => event.type.startsWith('review.'));
  expect(streamed.map(({ type, userId, vote }) => ({ type, userId, vote }))).toEqual([
    { type: 'review.requested', userId: undefined, vote: undefined },
    { type: 'review.voted', userId: reviewer1.id, vote: 'approve' },
    { type: 'review.voted', userId: reviewer2.id, vote: 'approve' },
    { type: 'review.decided', userId: undefined, vote: undefined },
  ]);

  // An editor revises the risks: the charter changed, so the review opens again (round 2, the
  // same reviewers, no votes), the approved round kept, and the committee's line unsigned.
  const turns = (await app.call('GET', path('/turns'), { token: editor.token })).json.items;
  const risks = turns.find(
    (turn: { topicId: string; accepted: boolean }) => turn.topicId === 'risks' && turn.accepted,
  );
  const reopened = followEvents(
    app,
    owner.token,
    session.id,
    (event) => event.type === 'review.reopened',
  );
  const revised = await app.call('POST', path(`/turns/${risks.id}/revisions`), {
    token: editor.token,
    body: { answer: `${HALT_ANSWERS.risks} Reviewed again in December.` },
  });
  expect(revised.status, revised.text).toBe(200);
  expect(revised.json.outcome.kind).toBe('revision_completed');
  const review = (await app.call('GET', path('/review'), { token: reviewer1.token })).json.review;
  expect(review.current).toMatchObject({ round: 2, status: 'open', approvals: 0 });
  expect(review.current.reviewers.map((r: { vote: unknown }) => r.vote)).toEqual([null, null]);
  expect(review.earlier).toMatchObject([{ round: 1, status: 'approved', decidedBy: reviewer2.id }]);
  expect((await reopened).at(-1)).toMatchObject({ type: 'review.reopened', round: 2 });
  const unsigned = await app.call('GET', path('/charter?format=md'), { token: owner.token });
  expect(unsigned.text).toContain('Round 2. Open: 0 of 2 approvals needed');
  expect(unsigned.text).toContain('| AI ethics committee |   |   |   |');
}

describe('the committee review over HTTP: request, votes, the outcome in the charter', () => {
  onEveryStorage(
    'two reviewers approve a Halt charter; only they vote; strangers see nothing; a revision reopens it',
    reviewToOutcome,
  );
});
