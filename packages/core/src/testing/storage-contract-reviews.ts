import { describe, expect, it } from 'vitest';
import type {
  ReviewAssignment,
  ReviewRecord,
  ReviewRoundRecord,
  ReviewStatus,
  ReviewVote,
  SessionRecord,
} from '../storage/types';
import { expectUaipError, type StorageUnderTest } from './storage-contract-fixtures';
import { summary } from './storage-contract-sessions';
import {
  at,
  makeMember,
  makeReview,
  makeReviewer,
  makeReviewRound,
  makeSession,
  newId,
} from './storage-records';

const COMPLETED: Partial<SessionRecord> = {
  status: 'completed',
  currentStageId: null,
  pending: null,
  result: { outcome: 'Proceed' },
};

/** The review's next version: `current` replaced, the old current round moved to `earlier`. */
function nextReview(review: ReviewRecord, current: Partial<ReviewRoundRecord>): ReviewRecord {
  return {
    ...review,
    version: review.version + 1,
    current: { ...review.current, round: review.current.round + 1, ...current },
    earlier: [
      ...review.earlier,
      { ...review.current, status: 'closed', closedReason: 'replaced', closedAt: at(60) },
    ],
    updatedAt: at(60),
  };
}

/** Committee reviews: stored per session by its owner, fenced by version, listed per reviewer. */
export function reviewCases(storage: StorageUnderTest): void {
  async function created(overrides: Partial<SessionRecord> = {}): Promise<SessionRecord> {
    const session = makeSession(overrides);
    await storage().createSession(session);
    return session;
  }

  async function saved(
    session: SessionRecord,
    overrides: Partial<ReviewRecord> = {},
  ): Promise<ReviewRecord> {
    const review = makeReview(session, overrides);
    expect(await storage().saveReview(session.ownerId, session.id, review, null)).toBe(true);
    return review;
  }

  const reviewOf = (session: SessionRecord) => storage().getReview(session.ownerId, session.id);

  describe('storing committee reviews (saveReview, getReview)', () => {
    it('creates a review and reads back exactly what was saved', async () => {
      const session = await created(COMPLETED);
      expect(await reviewOf(session)).toBeNull();
      const voted = makeReviewer({
        vote: 'approve',
        comment: 'Sound baseline',
        votedAt: at(40),
      });
      const review = makeReview(session, {
        version: 3,
        current: makeReviewRound(session, {
          round: 2,
          status: 'approved',
          reviewers: [voted, makeReviewer()],
          decidedBy: voted.userId,
          decidedAt: at(40),
          requestedAt: at(35),
        }),
        earlier: [
          makeReviewRound(session, {
            status: 'closed',
            closedReason: 'revised',
            closedAt: at(33),
            note: null,
            outcome: null,
          }),
        ],
        updatedAt: at(41),
      });
      expect(await storage().saveReview(session.ownerId, session.id, review, null)).toBe(true);
      expect(await reviewOf(session)).toEqual(review);
    });

    it('refuses a second create, changing nothing', async () => {
      const session = await created();
      const first = await saved(session);
      const second = makeReview(session, { updatedAt: at(50) });
      expect(await storage().saveReview(session.ownerId, session.id, second, null)).toBe(false);
      expect(await reviewOf(session)).toEqual(first);
    });

    it('replaces the review at its version; at another version says false, changing nothing', async () => {
      const session = await created();
      const first = await saved(session);
      const second = nextReview(first, { requestedAt: at(55), reviewers: [makeReviewer()] });
      expect(await storage().saveReview(session.ownerId, session.id, second, 1)).toBe(true);
      expect(await reviewOf(session)).toEqual(second);
      // The version moved on: a writer still at 1, or ahead of it, changes nothing.
      for (const expected of [1, 3, 0]) {
        const stale = nextReview(first, { status: 'rejected' });
        expect(await storage().saveReview(session.ownerId, session.id, stale, expected)).toBe(
          false,
        );
      }
      expect(await reviewOf(session)).toEqual(second);
      // No review yet: an update finds nothing to replace.
      const other = await created();
      expect(await storage().saveReview(other.ownerId, other.id, makeReview(other), 1)).toBe(false);
      expect(await reviewOf(other)).toBeNull();
    });

    it('gives another owner, a member or a missing session nothing: null and false', async () => {
      const session = await created();
      const review = await saved(session);
      const member = makeMember(session, { role: 'editor' });
      expect(await storage().putMember(session.ownerId, session.id, member)).toBe(true);
      const next = nextReview(review, { status: 'rejected' });
      for (const actor of [newId(), member.userId]) {
        expect(await storage().getReview(actor, session.id)).toBeNull();
        expect(await storage().saveReview(actor, session.id, next, 1)).toBe(false);
        expect(await storage().saveReview(actor, session.id, next, null)).toBe(false);
      }
      expect(await reviewOf(session)).toEqual(review);

      // Nor can a stranger create the first review of someone else's session.
      const unreviewed = await created();
      const stranger = newId();
      const theirs = makeReview(unreviewed);
      expect(await storage().saveReview(stranger, unreviewed.id, theirs, null)).toBe(false);
      expect(await reviewOf(unreviewed)).toBeNull();

      const missing = makeSession();
      expect(await storage().getReview(missing.ownerId, missing.id)).toBeNull();
      const orphan = makeReview(missing);
      expect(await storage().saveReview(missing.ownerId, missing.id, orphan, null)).toBe(false);
      expect(await storage().saveReview(missing.ownerId, missing.id, orphan, 1)).toBe(false);
      // Created later, the session has no review from before.
      await storage().createSession(missing);
      expect(await storage().getReview(missing.ownerId, missing.id)).toBeNull();
    });

    it('refuses a review of another session with validation_failed', async () => {
      const session = await created();
      const other = await created({ ownerId: session.ownerId });
      const review = makeReview(other);
      await expectUaipError(
        storage().saveReview(session.ownerId, session.id, review, null),
        'validation_failed',
      );
      expect(await reviewOf(session)).toBeNull();
      expect(await reviewOf(other)).toBeNull();
    });

    it('stores and hands out copies', async () => {
      const session = await created();
      const review = makeReview(session);
      const kept = structuredClone(review);
      expect(await storage().saveReview(session.ownerId, session.id, review, null)).toBe(true);
      review.current.reviewers[0]!.vote = 'reject';
      review.earlier.push(makeReviewRound(session));
      const read = await reviewOf(session);
      read!.current.status = 'approved';
      read!.current.reviewers.pop();
      expect(await reviewOf(session)).toEqual(kept);
    });

    it('deletes the review with its session', async () => {
      const session = await created();
      const review = await saved(session);
      const reviewer = review.current.reviewers[0]!.userId;
      expect(
        await storage().putMember(
          session.ownerId,
          session.id,
          makeMember(session, {
            userId: reviewer,
          }),
        ),
      ).toBe(true);
      const listed = () => storage().listReviewsFor(reviewer, { limit: 10 });
      expect((await listed()).items.map((item) => item.id)).toEqual([session.id]);
      expect(await storage().deleteSession(session.ownerId, session.id)).toBe(true);
      expect(await reviewOf(session)).toBeNull();
      expect(await listed()).toEqual({ items: [], nextCursor: null });
      // A new session under the same id starts without a review, and can get one.
      await storage().createSession(session);
      expect(await reviewOf(session)).toBeNull();
      expect(await storage().saveReview(session.ownerId, session.id, review, null)).toBe(true);
      expect(await reviewOf(session)).toEqual(review);
    });
  });

  describe('listing the reviews asked of a user (listReviewsFor)', () => {
    /** What the list shows of `review` of `session` to a reviewer who voted `vote`. */
    function assignment(
      session: SessionRecord,
      review: ReviewRecord,
      vote: ReviewVote | null = null,
      outcome: string | null = null,
    ): ReviewAssignment {
      const { round, status, requestedAt } = review.current;
      return {
        ...summary(session, outcome),
        ownerId: session.ownerId,
        review: { round, status, requestedAt, vote },
      };
    }

    /** Newest request first, ties by larger session id first. */
    function newestRequestFirst(a: ReviewAssignment, b: ReviewAssignment): number {
      const byTime = Date.parse(b.review.requestedAt) - Date.parse(a.review.requestedAt);
      return byTime !== 0 ? byTime : a.id < b.id ? 1 : -1;
    }

    /**
     * Sessions of two owners, each shared with `userId` and reviewed by them and another
     * reviewer, requested at `requestedAts` (created in the opposite order, so the list's
     * order is not the sessions'); the rows the list should show, in its order.
     */
    async function askedOf(
      userId: string,
      requestedAts: string[],
      statuses: ReviewStatus[] = [],
    ): Promise<ReviewAssignment[]> {
      const owners = [newId(), newId()];
      const rows: ReviewAssignment[] = [];
      for (const [index, requestedAt] of requestedAts.entries()) {
        const createdAt = at(-index);
        const session = await created({
          ownerId: owners[index % 2]!,
          createdAt,
          updatedAt: createdAt,
        });
        await storage().putMember(session.ownerId, session.id, makeMember(session, { userId }));
        const status = statuses[index] ?? 'open';
        const current = makeReviewRound(session, {
          requestedAt,
          status,
          reviewers: [makeReviewer(), makeReviewer({ userId })],
        });
        rows.push(assignment(session, await saved(session, { current })));
      }
      return rows.sort(newestRequestFirst);
    }

    async function everyPage(
      userId: string,
      limit: number,
      status?: ReviewStatus,
    ): Promise<{ items: ReviewAssignment[]; cursors: (string | null)[] }> {
      const items: ReviewAssignment[] = [];
      const cursors: (string | null)[] = [];
      let cursor: string | null = null;
      do {
        const page = await storage().listReviewsFor(userId, { limit, cursor, status });
        items.push(...page.items);
        cursors.push(page.nextCursor);
        cursor = page.nextCursor;
      } while (cursor !== null && cursors.length < 10);
      return { items, cursors };
    }

    it("lists the current round's reviews of a user with the session and their vote", async () => {
      const userId = newId();
      const rows: ReviewAssignment[] = [];

      // A member who voted, on a completed session whose outcome the list shows.
      const voted = await created(COMPLETED);
      await storage().putMember(voted.ownerId, voted.id, makeMember(voted, { userId }));
      const mine = makeReviewer({ userId, vote: 'reject', comment: 'No', votedAt: at(45) });
      const votedReview = await saved(voted, {
        current: makeReviewRound(voted, { requestedAt: at(40), reviewers: [makeReviewer(), mine] }),
      });
      rows.push(assignment(voted, votedReview, 'reject', 'Proceed'));

      // Their own session, which they asked themselves to review.
      const own = await created({ ownerId: userId });
      const ownReview = await saved(own, {
        current: makeReviewRound(own, {
          round: 3,
          requestedAt: at(50),
          reviewers: [makeReviewer({ userId })],
        }),
      });
      rows.push(assignment(own, ownReview));

      // A member named only in an earlier round, and one named in none: not listed.
      const earlierOnly = await created();
      await storage().putMember(
        earlierOnly.ownerId,
        earlierOnly.id,
        makeMember(earlierOnly, { userId }),
      );
      await saved(earlierOnly, {
        current: makeReviewRound(earlierOnly, { round: 2, requestedAt: at(60) }),
        earlier: [makeReviewRound(earlierOnly, { reviewers: [makeReviewer({ userId })] })],
      });
      const notNamed = await created();
      await storage().putMember(notNamed.ownerId, notNamed.id, makeMember(notNamed, { userId }));
      await saved(notNamed, { current: makeReviewRound(notNamed, { requestedAt: at(70) }) });

      const page = await storage().listReviewsFor(userId, { limit: 10 });
      expect(page).toEqual({ items: [rows[1], rows[0]], nextCursor: null });
      // The summary is the session's row as its owner's list shows it.
      const ownerList = await storage().listSessions(voted.ownerId, { limit: 10 });
      const { ownerId: _owner, review: _review, ...listed } = page.items[1]!;
      expect(listed).toEqual(ownerList.items.find((item) => item.id === voted.id));
    });

    it('lists a review only while the reviewer may read the session', async () => {
      const session = await created();
      const reviewer = makeReviewer();
      const review = await saved(session, {
        current: makeReviewRound(session, { reviewers: [reviewer] }),
      });
      const list = () => storage().listReviewsFor(reviewer.userId, { limit: 10 });
      // Named, but the session was never shared with them.
      expect(await list()).toEqual({ items: [], nextCursor: null });
      const member = makeMember(session, { userId: reviewer.userId });
      expect(await storage().putMember(session.ownerId, session.id, member)).toBe(true);
      expect((await list()).items).toEqual([assignment(session, review)]);
      const { ownerId, id } = session;
      expect(await storage().removeMember(ownerId, id, reviewer.userId)).toBe(true);
      expect(await list()).toEqual({ items: [], nextCursor: null });
      expect(await storage().putMember(ownerId, id, { ...member, role: 'editor' })).toBe(true);
      expect((await list()).items).toEqual([assignment(session, review)]);
    });

    it('follows each save: the new round lists its reviewers, a refused save changes nothing', async () => {
      const session = await created();
      const [stays, leaves, joins] = [newId(), newId(), newId()];
      for (const userId of [stays, leaves, joins]) {
        await storage().putMember(session.ownerId, session.id, makeMember(session, { userId }));
      }
      const first = await saved(session, {
        current: makeReviewRound(session, {
          reviewers: [makeReviewer({ userId: stays }), makeReviewer({ userId: leaves })],
        }),
      });
      const ids = async (userId: string) =>
        (await storage().listReviewsFor(userId, { limit: 10 })).items.map((item) => item.id);
      expect([await ids(stays), await ids(leaves), await ids(joins)]).toEqual([
        [session.id],
        [session.id],
        [],
      ]);

      const second = nextReview(first, {
        requestedAt: at(80),
        reviewers: [
          makeReviewer({ userId: stays, vote: 'approve', votedAt: at(85) }),
          makeReviewer({ userId: joins }),
        ],
        status: 'approved',
      });
      // At a wrong version: nothing moves, in the review or in the list.
      const wrong = storage().saveReview(session.ownerId, session.id, second, 7);
      expect(await wrong).toBe(false);
      expect([await ids(stays), await ids(leaves), await ids(joins)]).toEqual([
        [session.id],
        [session.id],
        [],
      ]);

      expect(await storage().saveReview(session.ownerId, session.id, second, 1)).toBe(true);
      expect([await ids(stays), await ids(leaves), await ids(joins)]).toEqual([
        [session.id],
        [],
        [session.id],
      ]);
      const page = await storage().listReviewsFor(stays, { limit: 10 });
      expect(page.items).toEqual([assignment(session, second, 'approve')]);
      expect(page.items[0]!.review).toMatchObject({ round: 2, status: 'approved' });
    });

    it('orders by request, newest first, ties by larger session id, and pages without repeats', async () => {
      const userId = newId();
      const requests = [at(20), at(50), at(25), at(10), at(25)];
      const expected = await askedOf(userId, requests);
      expect(expected.map((row) => row.review.requestedAt)).toEqual([
        at(50),
        at(25),
        at(25),
        at(20),
        at(10),
      ]);
      const { items, cursors } = await everyPage(userId, 2);
      expect(items).toEqual(expected);
      expect(cursors.map((next) => next === null)).toEqual([false, false, true]);
      expect(await storage().listReviewsFor(userId, { limit: 5 })).toEqual({
        items: expected,
        nextCursor: null,
      });
      const one = await everyPage(userId, 1);
      expect(one.items).toEqual(expected);
      expect(one.cursors).toHaveLength(5);
    });

    it('keeps only the current rounds in a status, paged the same way', async () => {
      const userId = newId();
      const statuses: ReviewStatus[] = ['open', 'approved', 'open', 'closed', 'open', 'rejected'];
      const requests = [at(1), at(2), at(3), at(4), at(5), at(6)];
      const expected = await askedOf(userId, requests, statuses);
      for (const status of ['open', 'approved', 'rejected', 'closed'] as const) {
        const { items } = await everyPage(userId, 2, status);
        expect(items).toEqual(expected.filter((row) => row.review.status === status));
      }
      const open = await storage().listReviewsFor(userId, { limit: 2, status: 'open' });
      expect(open.items.map((row) => row.review.requestedAt)).toEqual([at(5), at(3)]);
      expect(open.nextCursor).not.toBeNull();
      expect((await everyPage(userId, 3)).items).toEqual(expected);
    });

    it('lists nothing for a user no review names', async () => {
      await askedOf(newId(), [at(1)]);
      expect(await storage().listReviewsFor(newId(), { limit: 5 })).toEqual({
        items: [],
        nextCursor: null,
      });
    });

    it('rejects a limit outside 1 to 100, a garbled cursor and an unknown status', async () => {
      const userId = newId();
      await askedOf(userId, [at(1), at(2)]);
      for (const limit of [0, 101, 1.5]) {
        await expectUaipError(storage().listReviewsFor(userId, { limit }), 'validation_failed');
      }
      for (const cursor of ['garbled!', 'bm9wZQ']) {
        await expectUaipError(
          storage().listReviewsFor(userId, { limit: 2, cursor }),
          'validation_failed',
        );
      }
      const status = 'pending' as ReviewStatus;
      await expectUaipError(
        storage().listReviewsFor(userId, { limit: 2, status }),
        'validation_failed',
      );
    });
  });
}
