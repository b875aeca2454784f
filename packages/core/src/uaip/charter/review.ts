import type { Review } from '../../index';
import type { Charter } from './schema';

type CharterReview = NonNullable<Charter['approval']['review']>;

/** The charter's account of a committee review: its current round, reviewers by name. */
export function charterReview(review: Review): CharterReview {
  const round = review.current;
  const nameOf = (userId: string) => {
    const reviewer = round.reviewers.find((candidate) => candidate.userId === userId);
    return reviewer?.name ?? reviewer?.email ?? userId;
  };
  return {
    round: round.round,
    status: round.status,
    reviewedDecision: round.outcome,
    requestedAt: round.requestedAt,
    note: round.note,
    approvalsRequired: round.approvalsRequired,
    approvals: round.approvals,
    rejections: round.rejections,
    reviewers: round.reviewers.map((reviewer) => ({
      name: nameOf(reviewer.userId),
      vote: reviewer.vote,
      comment: reviewer.comment,
      votedAt: reviewer.votedAt,
    })),
    decidedBy: round.decidedBy === null ? null : nameOf(round.decidedBy),
    decidedAt: round.decidedAt,
    closedReason: round.closedReason,
    upToDate: review.upToDate,
    earlierRounds: review.earlier.length,
  };
}

/** Where the review stands, in one sentence. */
export function reviewStatusLine(review: CharterReview): string {
  const count = `${review.approvals} of ${review.approvalsRequired} approvals needed`;
  const status =
    review.status === 'approved'
      ? `Approved on ${review.decidedAt!.slice(0, 10)} (the deciding vote: ${review.decidedBy}; ${count})`
      : review.status === 'rejected'
        ? `Rejected on ${review.decidedAt!.slice(0, 10)} (the deciding vote: ${review.decidedBy}; ${review.rejections} rejected)`
        : review.status === 'closed'
          ? 'Closed without an outcome: the session was revised and no longer calls for a committee review'
          : `Open: ${count}, ${review.rejections} rejected so far`;
  const stale = review.upToDate
    ? ''
    : ' This round began before the latest change to the session: it will be reopened.';
  return `Round ${review.round}. ${status}.${stale}`;
}
