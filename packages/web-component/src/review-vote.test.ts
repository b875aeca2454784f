import { afterEach, describe, expect, it } from 'vitest';
import { committeeSession, openAs } from './review-support.test-support';
import {
  byName,
  cleanUp,
  deepQuery,
  deepQueryAll,
  deepText,
  focused,
  hasControl,
  paths,
  type,
  until,
  untilText,
} from './test-helpers.test-support';

afterEach(cleanUp);

const reviewText = (root: ShadowRoot) => deepText(deepQuery(root, 'section[part~=review]'));
const votes = (root: ShadowRoot) =>
  deepQueryAll(root, '[part~=reviewer]').map((li) =>
    deepText(li).replace(/ (Approved|Rejected) .*?\d{4}, [\d:]+ [AP]M/, ' $1'),
  );

/** Bob opens Ada's session, asked to review it (with Cy, `approvals` of them). */
async function asReviewer(approvals?: number) {
  const setup = await committeeSession({
    reviewers: ['bob@example.com', 'cy@example.com'],
    approvals,
  });
  const { root } = await openAs(setup.api, setup.bob, setup.sessionId);
  const comment = await until(() => byName<HTMLTextAreaElement>(root, 'Your comment'));
  return { ...setup, root, comment };
}

describe('a reviewer votes', () => {
  it('approves with a required comment; the vote and the decision show at once', async () => {
    const { api, root, comment, sessionId } = await asReviewer(1);
    expect(deepText(root)).toContain('Shared with you as a viewer');
    expect(deepText(deepQuery(root, '[part~=vote-form]'))).toContain(
      'You are a reviewer of round 1. Say why you approve or reject "Submit to committee"',
    );
    byName(root, 'Approve').click();
    await untilText(root.host, 'Say why you approve: a comment is required.');
    await until(() => expect(focused()).toBe(comment));
    expect(comment.getAttribute('aria-invalid')).toBe('true');
    expect(paths(api).some((path) => path.endsWith('/votes'))).toBe(false);

    type(comment, 'Fairness checks are planned before launch.');
    byName(root, 'Approve').click();
    await untilText(root.host, 'You approved round 1. Your vote decided it: approved.');
    const sent = api.calls.find((call) => call.path.endsWith('/review/votes'))!;
    expect(sent.body).toEqual({
      vote: 'approve',
      comment: 'Fairness checks are planned before launch.',
    });
    expect(reviewText(root)).toMatch(
      /Round 1: approved on .+, decided by Bob \(bob@example\.com\)\./,
    );
    expect(votes(root)).toEqual([
      'Bob (bob@example.com) Approved Fairness checks are planned before launch.',
      'Cy (cy@example.com) Not voted yet',
    ]);
    expect(hasControl(root, 'Approve')).toBe(false);
    await until(() => expect(focused()).toBe(deepQuery(root, '#review-heading')));
    // The charter is read again: its review section says where it stands.
    await untilText(deepQuery(root, 'article.charter'), 'Round 1. Approved: 1 of 1 approvals.');
    expect(api.review(sessionId)!.current.status).toBe('approved');
  });

  it('rejects: with every approval required, one rejection decides it', async () => {
    const { root, comment } = await asReviewer();
    expect(reviewText(root)).toContain(
      'Round 1: open: 0 of 2 approvals needed, 0 rejected so far.',
    );
    type(comment, 'No fairness audit of the training data.');
    byName(root, 'Reject').click();
    await untilText(root.host, 'You rejected round 1. Your vote decided it: rejected.');
    expect(reviewText(root)).toMatch(/Round 1: rejected on .+, decided by Bob/);
    expect(votes(root)[0]).toBe(
      'Bob (bob@example.com) Rejected No fairness audit of the training data.',
    );
  });

  it('a vote that does not decide says how many approvals there are so far', async () => {
    const { root, comment } = await asReviewer(2);
    type(comment, 'Looks sound.');
    byName(root, 'Approve').click();
    await untilText(root.host, 'You approved round 1. 1 of 2 approvals so far.');
    expect(reviewText(root)).toContain(
      'Round 1: open: 1 of 2 approvals needed, 0 rejected so far.',
    );
  });

  it('a 409 after a revision reopened the review: said, the comment kept, the new round shown', async () => {
    const { api, root, comment, sessionId } = await asReviewer();
    // A revision elsewhere changed the session since the round began.
    api.touch(sessionId);
    type(comment, 'Approved as it was.');
    byName(root, 'Approve').click();
    await untilText(
      root.host,
      'Not recorded: The session was revised since the review began: read it again before you vote. Your comment is kept; the review was read again.',
    );
    expect(byName<HTMLTextAreaElement>(root, 'Your comment').value).toBe('Approved as it was.');
    await untilText(root.host, 'Round 2: open: 0 of 2 approvals needed');
    expect(reviewText(root)).toContain(
      'Reopened after a revision: round 1 was about the session before it changed (1 earlier round).',
    );
    await until(() => expect(focused()).toBe(byName(root, 'Your comment')));
    // Voting again now counts in the new round.
    byName(root, 'Approve').click();
    await untilText(root.host, 'You approved round 2. 1 of 2 approvals so far.');
  });

  it('a 403 (no longer a reviewer) and a 422 are said with the comment kept', async () => {
    const { api, root, comment } = await asReviewer();
    api.failNext('POST /sessions/:id/review/votes', {
      status: 403,
      code: 'forbidden',
      message: 'Only the reviewers of this session can vote',
    });
    type(comment, 'Mine.');
    byName(root, 'Reject').click();
    await untilText(root.host, 'Not recorded: Only the reviewers of this session can vote.');
    expect(comment.value).toBe('Mine.');
    api.failNext('POST /sessions/:id/review/votes', {
      status: 422,
      code: 'invalid_state',
      message: 'A revision is under way: vote once the result is rebuilt',
    });
    byName(root, 'Reject').click();
    await untilText(
      root.host,
      'Not recorded: A revision is under way: vote once the result is rebuilt.',
    );
    expect(byName<HTMLTextAreaElement>(root, 'Your comment').value).toBe('Mine.');
    const alert = deepQuery(root, '[part~=vote-form] [role=alert]');
    expect(byName(root, 'Your comment').getAttribute('aria-describedby')).toContain(alert.id);
  });

  it('the owner sees the votes live, from the event stream', async () => {
    const { api, ada, sessionId } = await committeeSession({
      reviewers: ['bob@example.com', 'cy@example.com'],
      approvals: 1,
    });
    const { root } = await openAs(api, ada, sessionId);
    await untilText(root.host, 'Round 1: open: 0 of 1 approvals needed');
    await until(() => expect(api.openStreams(sessionId)).toBe(1));
    expect(api.vote(sessionId, 'cy@example.com', 'reject', 'Too risky for now.')).toBe(200);
    await until(() =>
      expect(votes(root)).toEqual([
        'Bob (bob@example.com) Not voted yet',
        'Cy (cy@example.com) Rejected Too risky for now.',
      ]),
    );
    expect(reviewText(root)).toContain('0 of 1 approvals needed, 1 rejected so far.');
    expect(api.vote(sessionId, 'bob@example.com', 'approve', 'Fine by me.')).toBe(200);
    await until(() => expect(reviewText(root)).toMatch(/Round 1: approved on .+, decided by Bob/));
    await untilText(deepQuery(root, 'article.charter'), 'Round 1. Approved: 1 of 1 approvals.');
    // A new round asked for since: the owner's view follows it too.
    expect(await api.requestReview(sessionId, ['cy@example.com'])).toBe(201);
    await untilText(root.host, 'Round 2: open: 0 of 1 approvals needed');
    expect(reviewText(root)).toContain('1 earlier round.');
  });
});
