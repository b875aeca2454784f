import { beforeEach, describe, expect, it } from 'vitest';
import {
  createMemoryStorage,
  createOrchestrator,
  defineWorkflow,
  type Orchestrator,
  type Principal,
  type SessionEvent,
  type Storage,
  UaipError,
} from '../index';
import { fixedClock, scriptedProvider } from '../testing/index';
import { goalStage, judge, planStage } from './fixtures.test-support';

// The committee review: the owner of a completed session whose outcome calls for it names
// reviewers; each votes once with a comment; the round is approved or rejected by the votes;
// a revision reopens it. Members beyond their part get `forbidden`, strangers `not_found`.

const COMMITTEE = 'Submit to committee';
// The goal's metric decides the outcome: `metric=committee` in an answer sends it to committee.
const reviewedWorkflow = defineWorkflow({
  id: 'reviewed',
  version: '1',
  title: 'Reviewed',
  description: 'A goal and a plan, sometimes sent to a committee',
  stages: [goalStage, planStage],
  finish: async ({ artifacts }) => ({
    outcome: (artifacts.goal as { metric: string }).metric === 'committee' ? COMMITTEE : 'Proceed',
  }),
  reviewRequired: (session) => (session.result as { outcome: string }).outcome === COMMITTEE,
});

const owner: Principal = { userId: 'alice' };
const editor: Principal = { userId: 'bob' };
const reviewer1: Principal = { userId: 'carol' };
const reviewer2: Principal = { userId: 'dave' };
const reviewer3: Principal = { userId: 'erin' };
const stranger: Principal = { userId: 'mallory' };

let storage: Storage;
let orchestrator: Orchestrator;
let clock: ReturnType<typeof fixedClock>;
let sessionId: string;
let events: SessionEvent[];

function codeOf(promise: Promise<unknown>) {
  return promise.then(
    () => 'ok',
    (error: unknown) => (UaipError.isInstance(error) ? error.code : String(error)),
  );
}

async function reply(principal: Principal, answer: string) {
  const session = await orchestrator.get(principal, sessionId);
  return orchestrator.answer(principal, sessionId, {
    questionId: session.pendingQuestion!.id,
    answer,
  });
}

/** Completes the session; its outcome is the committee's when `committee`. */
async function complete(committee = true) {
  await reply(owner, 'cut churn');
  await reply(owner, committee ? 'metric=committee' : 'metric=nps');
  await reply(owner, 'train, ship');
}

const vote = (principal: Principal, choice: 'approve' | 'reject', comment = 'Reasons given') =>
  orchestrator.vote(principal, sessionId, { vote: choice, comment });

beforeEach(async () => {
  storage = createMemoryStorage();
  clock = fixedClock();
  orchestrator = createOrchestrator({
    storage,
    llm: scriptedProvider((request) => judge(request)),
    workflows: [reviewedWorkflow],
    clock,
  });
  for (const id of ['bob', 'carol', 'dave', 'erin', 'mallory']) {
    await storage.createUser({
      id,
      email: `${id}@example.com`,
      name: id[0]!.toUpperCase() + id.slice(1),
      passwordHash: 'x',
      tokenVersion: 0,
      createdAt: '2026-01-01T00:00:00.000Z',
    });
  }
  sessionId = (await orchestrator.start(owner, { workflowId: 'reviewed', idea: 'Churn' })).id;
  await orchestrator.share(owner, sessionId, { userId: 'bob', role: 'editor' });
  events = [];
  await orchestrator.subscribe(owner, sessionId, (event) => events.push(event));
});

describe('requesting a review', () => {
  it('opens round 1 with the reviewers, who can then read the session', async () => {
    await complete();
    expect(await orchestrator.review(owner, sessionId)).toBeNull();
    clock.advance(1_000);
    const review = await orchestrator.requestReview(owner, sessionId, {
      reviewers: [{ email: ' Carol@Example.com ' }, { userId: 'bob' }],
      note: 'Please look at the data risks',
    });
    expect(review.current).toMatchObject({
      round: 1,
      status: 'open',
      requestedBy: 'alice',
      requestedAt: '2026-01-01T00:00:01.000Z',
      note: 'Please look at the data risks',
      outcome: COMMITTEE,
      approvalsRequired: 2,
      approvals: 0,
      rejections: 0,
      decidedBy: null,
    });
    expect(review.current.reviewers).toEqual([
      {
        userId: 'carol',
        email: 'carol@example.com',
        name: 'Carol',
        vote: null,
        comment: null,
        votedAt: null,
      },
      {
        userId: 'bob',
        email: 'bob@example.com',
        name: 'Bob',
        vote: null,
        comment: null,
        votedAt: null,
      },
    ]);
    expect(review.upToDate).toBe(true);
    // Carol became a viewer so she can read what she reviews; Bob stays an editor.
    const { members } = await orchestrator.members(owner, sessionId);
    expect(members.map((member) => [member.userId, member.role])).toEqual([
      ['bob', 'editor'],
      ['carol', 'viewer'],
    ]);
    expect((await orchestrator.get(reviewer1, sessionId)).status).toBe('completed');
    expect(await orchestrator.review(reviewer1, sessionId)).toEqual(review);
    expect(events.map((event) => event.type)).toContain('review.requested');
    expect(events.find((event) => event.type === 'sharing.changed')).toMatchObject({
      userId: 'carol',
      role: 'viewer',
    });
  });

  it('is refused before completion, when the outcome does not call for it, and to others', async () => {
    await reply(owner, 'cut churn');
    const ask = (principal = owner) =>
      codeOf(
        orchestrator.requestReview(principal, sessionId, { reviewers: [{ userId: 'carol' }] }),
      );
    expect(await ask()).toBe('invalid_state');
    await reply(owner, 'metric=nps');
    await reply(owner, 'train, ship');
    expect((await orchestrator.get(owner, sessionId)).result).toEqual({ outcome: 'Proceed' });
    expect(await ask()).toBe('invalid_state');
    expect(await ask(editor)).toBe('forbidden');
    expect(await ask(stranger)).toBe('not_found');
    expect(await orchestrator.review(owner, sessionId)).toBeNull();
  });

  it('says which reviewer is wrong, and changes nothing', async () => {
    await complete();
    const detailsOf = (reviewers: object[], extra = {}) =>
      orchestrator
        .requestReview(owner, sessionId, { reviewers: reviewers as never, ...extra })
        .then(
          () => 'ok',
          (error: UaipError) => [error.code, error.details?.map((detail) => detail.path)],
        );
    expect(await detailsOf([{ userId: 'carol' }, { email: 'nobody@example.com' }])).toEqual([
      'not_found',
      ['reviewers.1.email'],
    ]);
    expect(await detailsOf([{ userId: 'alice' }])).toEqual([
      'validation_failed',
      ['reviewers.0.userId'],
    ]);
    expect(await detailsOf([{ userId: 'carol' }, { email: 'carol@example.com' }])).toEqual([
      'validation_failed',
      ['reviewers.1.email'],
    ]);
    expect(await detailsOf([{ userId: 'carol' }], { approvalsRequired: 2 })).toEqual([
      'validation_failed',
      ['approvalsRequired'],
    ]);
    expect(await detailsOf([])).toEqual(['validation_failed', ['reviewers']]);
    expect(await orchestrator.review(owner, sessionId)).toBeNull();
    expect((await orchestrator.members(owner, sessionId)).members).toHaveLength(1);
  });

  it('asked again, closes the open round and starts the next', async () => {
    await complete();
    await orchestrator.requestReview(owner, sessionId, { reviewers: [{ userId: 'carol' }] });
    const again = await orchestrator.requestReview(owner, sessionId, {
      reviewers: [{ userId: 'dave' }],
      note: '   ',
    });
    expect(again.current).toMatchObject({ round: 2, status: 'open', note: null });
    expect(again.earlier).toMatchObject([{ round: 1, status: 'closed', closedReason: 'replaced' }]);
    // Carol is no longer a reviewer of the current round.
    expect(await codeOf(vote(reviewer1, 'approve'))).toBe('forbidden');
  });
});

describe('voting', () => {
  beforeEach(async () => {
    await complete();
    await orchestrator.requestReview(owner, sessionId, {
      reviewers: [{ userId: 'carol' }, { userId: 'dave' }],
    });
    events.length = 0;
  });

  it('approves once every reviewer approved, recording who decided', async () => {
    clock.advance(60_000);
    const first = await vote(reviewer1, 'approve', 'The mitigations are adequate');
    expect(first.current).toMatchObject({ status: 'open', approvals: 1, decidedBy: null });
    clock.advance(60_000);
    const second = await vote(reviewer2, 'approve', 'Agreed');
    expect(second.current).toMatchObject({
      status: 'approved',
      approvals: 2,
      decidedBy: 'dave',
      decidedAt: '2026-01-01T00:02:00.000Z',
    });
    expect(second.current.reviewers.map((r) => [r.userId, r.vote, r.comment, r.votedAt])).toEqual([
      ['carol', 'approve', 'The mitigations are adequate', '2026-01-01T00:01:00.000Z'],
      ['dave', 'approve', 'Agreed', '2026-01-01T00:02:00.000Z'],
    ]);
    expect(events.map((event) => event.type)).toEqual([
      'review.voted',
      'review.voted',
      'review.decided',
    ]);
    expect(events.at(-1)).toMatchObject({ outcome: 'approved', decidedBy: 'dave', round: 1 });
    // Final: no second vote, no vote after the outcome.
    expect(await codeOf(vote(reviewer2, 'reject'))).toBe('invalid_state');
  });

  it('rejects as soon as the approvals needed can no longer come', async () => {
    const review = await vote(reviewer2, 'reject', 'The bias risk is not mitigated');
    expect(review.current).toMatchObject({ status: 'rejected', rejections: 1, decidedBy: 'dave' });
  });

  it('refuses a second vote, a blank comment, and anyone but a reviewer', async () => {
    await vote(reviewer1, 'approve');
    expect(await codeOf(vote(reviewer1, 'reject'))).toBe('conflict');
    expect(await codeOf(vote(reviewer2, 'approve', '   '))).toBe('validation_failed');
    expect(await codeOf(vote(owner, 'approve'))).toBe('forbidden');
    expect(await codeOf(vote(editor, 'approve'))).toBe('forbidden');
    expect(await codeOf(vote(stranger, 'approve'))).toBe('not_found');
    expect(await codeOf(vote(reviewer3, 'approve'))).toBe('not_found');
    const review = await orchestrator.review(owner, sessionId);
    expect(review!.current).toMatchObject({ status: 'open', approvals: 1, rejections: 0 });
  });

  it('decides by the approvals required, when fewer than all', async () => {
    await orchestrator.requestReview(owner, sessionId, {
      reviewers: [{ userId: 'carol' }, { userId: 'dave' }, { userId: 'erin' }],
      approvalsRequired: 2,
    });
    await vote(reviewer1, 'reject');
    expect((await vote(reviewer2, 'approve')).current.status).toBe('open');
    const decided = await vote(reviewer3, 'approve');
    expect(decided.current).toMatchObject({ status: 'approved', decidedBy: 'erin', rejections: 1 });
  });

  it('lists the reviews asked of a reviewer, with their own vote', async () => {
    await vote(reviewer1, 'approve');
    const mine = await orchestrator.reviewsForMe(reviewer1);
    expect(mine.items).toEqual([
      expect.objectContaining({
        id: sessionId,
        ownerId: 'alice',
        review: expect.objectContaining({ round: 1, status: 'open', vote: 'approve' }),
      }),
    ]);
    expect((await orchestrator.reviewsForMe(reviewer2, { status: 'approved' })).items).toEqual([]);
    expect((await orchestrator.reviewsForMe(stranger)).items).toEqual([]);
  });
});

describe('a revision', () => {
  const reviseMetric = async (answer: string) => {
    const turn = (await orchestrator.turns(owner, sessionId)).find(
      (candidate) => candidate.answer === 'metric=committee',
    )!;
    return orchestrator.revise(owner, sessionId, { turnId: turn.id, answer });
  };

  beforeEach(async () => {
    await complete();
    await orchestrator.requestReview(owner, sessionId, { reviewers: [{ userId: 'carol' }] });
  });

  it('reopens a decided review with the same reviewers, the earlier round kept', async () => {
    await vote(reviewer1, 'approve');
    events.length = 0;
    await reviseMetric('metric=committee, measured weekly');
    const review = await orchestrator.review(reviewer1, sessionId);
    expect(review!.current).toMatchObject({ round: 2, status: 'open', approvals: 0 });
    expect(review!.current.reviewers.map((r) => [r.userId, r.vote])).toEqual([['carol', null]]);
    expect(review!.earlier).toMatchObject([{ round: 1, status: 'approved', decidedBy: 'carol' }]);
    expect(review!.upToDate).toBe(true);
    expect(events.map((event) => event.type)).toContain('review.reopened');
    expect((await vote(reviewer1, 'reject')).current.status).toBe('rejected');
  });

  it('closes an open review when the outcome no longer calls for one', async () => {
    events.length = 0;
    await reviseMetric('metric=nps');
    const review = await orchestrator.review(owner, sessionId);
    expect(review!.current).toMatchObject({ round: 1, status: 'closed', closedReason: 'revised' });
    expect(events.find((event) => event.type === 'review.closed')).toMatchObject({ round: 1 });
    expect(await codeOf(vote(reviewer1, 'approve'))).toBe('invalid_state');
  });

  it('holds the votes while it waits on a follow-up', async () => {
    const vague = await reviseMetric('score:2 metric=committee');
    expect(vague.revision!.status).toBe('follow_up');
    expect((await orchestrator.review(owner, sessionId))!.upToDate).toBe(false);
    expect(await codeOf(vote(reviewer1, 'approve'))).toBe('invalid_state');
  });
});
