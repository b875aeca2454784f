import type { ReviewerRecord, ReviewRecord, ReviewRoundRecord, ReviewVote } from '../storage/types';

// The rules of a committee review round, as pure functions of the stored records.

/** What a new round is about: the session version and outcome under review, and who asks. */
export interface RoundStart {
  requestedBy: string;
  at: string;
  note: string | null;
  sessionVersion: number;
  outcome: string | null;
  approvalsRequired: number;
  reviewers: string[];
}

export function newRound(round: number, start: RoundStart): ReviewRoundRecord {
  return {
    round,
    status: 'open',
    requestedBy: start.requestedBy,
    requestedAt: start.at,
    note: start.note,
    sessionVersion: start.sessionVersion,
    outcome: start.outcome,
    approvalsRequired: start.approvalsRequired,
    reviewers: start.reviewers.map(
      (userId): ReviewerRecord => ({ userId, vote: null, comment: null, votedAt: null }),
    ),
    decidedBy: null,
    decidedAt: null,
    closedReason: null,
    closedAt: null,
  };
}

/** Ends an open round without an outcome; a decided one keeps its outcome. */
export function closeRound(
  round: ReviewRoundRecord,
  reason: 'revised' | 'replaced',
  at: string,
): ReviewRoundRecord {
  if (round.status !== 'open') return round;
  return { ...round, status: 'closed', closedReason: reason, closedAt: at };
}

/**
 * The review with `next` as its current round, the current one (closed first if still open)
 * kept among the earlier rounds.
 */
export function withNewRound(
  review: ReviewRecord | null,
  sessionId: string,
  next: (round: number) => ReviewRoundRecord,
  at: string,
): ReviewRecord {
  if (!review) {
    return { sessionId, version: 1, current: next(1), earlier: [], updatedAt: at };
  }
  return {
    ...review,
    version: review.version + 1,
    current: next(review.current.round + 1),
    earlier: [...review.earlier, closeRound(review.current, 'replaced', at)],
    updatedAt: at,
  };
}

/** How many approvals and rejections a round has. */
export function tally(round: ReviewRoundRecord): { approvals: number; rejections: number } {
  let approvals = 0;
  let rejections = 0;
  for (const reviewer of round.reviewers) {
    if (reviewer.vote === 'approve') approvals += 1;
    if (reviewer.vote === 'reject') rejections += 1;
  }
  return { approvals, rejections };
}

/**
 * Records `userId`'s vote in an open round (the caller checked they may vote) and settles
 * the round when it decides it: approved once `approvalsRequired` reviewers approved,
 * rejected once so many rejected that the approvals can no longer come.
 */
export function castVote(
  round: ReviewRoundRecord,
  userId: string,
  vote: ReviewVote,
  comment: string,
  at: string,
): ReviewRoundRecord {
  const reviewers = round.reviewers.map((reviewer) =>
    reviewer.userId === userId ? { ...reviewer, vote, comment, votedAt: at } : reviewer,
  );
  const voted = { ...round, reviewers };
  const { approvals, rejections } = tally(voted);
  const settled =
    approvals >= round.approvalsRequired
      ? 'approved'
      : rejections > round.reviewers.length - round.approvalsRequired
        ? 'rejected'
        : null;
  if (!settled) return voted;
  return { ...voted, status: settled, decidedBy: userId, decidedAt: at };
}
