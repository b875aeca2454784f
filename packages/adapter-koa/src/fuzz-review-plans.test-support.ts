import fc from 'fast-check';
import { expect } from 'vitest';
import { apiRequest, plan } from './fuzz-plan.test-support';
import { reviewAssignmentPageSchema, sessionReviewSchema } from './response-schemas';

// The committee review as a valid scenario: the owner reads the review of one of their
// sessions, asks a user id no account has to review it (never another lane's user: 404, the
// router checks its accounts), votes (refused: the owner is no reviewer) and lists what is
// asked of them (nothing, ever).

/** Reads, requests, votes and lists. The owner's vote is 403 once a review exists, else 422. */
export const reviewing = fc
  .tuple(fc.nat({ max: 1000 }), fc.constantFrom('approve', 'reject'))
  .map(([which, vote]) =>
    plan(
      `ask for a review, read it, vote ${vote} as the owner, list mine`,
      async (fuzzer, user) => {
        const session = await fuzzer.session(user, which);
        const base = `/sessions/${session.id}/review`;
        const before = await fuzzer.send(apiRequest('GET', base, { token: user.token }), {
          valid: true,
          expect: [200],
        });
        expect(sessionReviewSchema.safeParse(before.json).success).toBe(true);
        const asked = await fuzzer.send(
          apiRequest('POST', base, {
            token: user.token,
            json: JSON.stringify({ reviewers: [{ userId: `outsider-${fuzzer.nextNumber()}` }] }),
          }),
          { valid: true, expect: [404] },
        );
        expect(asked.json.error.details).toEqual([
          { path: 'reviewers.0.userId', message: 'No such account' },
        ]);
        const reviewed = before.json.review !== null;
        await fuzzer.send(
          apiRequest('POST', `${base}/votes`, {
            token: user.token,
            json: JSON.stringify({ vote, comment: 'As the owner' }),
          }),
          { valid: true, expect: [reviewed ? 403 : 422] },
        );
        const mine = await fuzzer.send(apiRequest('GET', '/reviews', { token: user.token }), {
          valid: true,
          expect: [200],
        });
        expect(reviewAssignmentPageSchema.safeParse(mine.json).success).toBe(true);
        expect(mine.json.items).toEqual([]);
      },
    ),
  );
