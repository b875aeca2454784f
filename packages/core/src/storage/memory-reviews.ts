import { UaipError } from '../errors';
import { newestFirstPage } from './newest-first-page';
import type {
  MemberRecord,
  Page,
  PageRequest,
  ReviewAssignment,
  ReviewRecord,
  ReviewStatus,
  SessionRecord,
  SessionSummary,
} from './types';

// The committee reviews of the memory storage: each kept on its session's entry, so deleting
// the session deletes its review.

/** What the reviews need of a session kept in memory. */
export interface ReviewedEntry {
  record: SessionRecord;
  members: Map<string, MemberRecord>;
  review: ReviewRecord | null;
}

const REVIEW_STATUSES: ReadonlySet<string> = new Set<ReviewStatus>([
  'open',
  'approved',
  'rejected',
  'closed',
]);

/**
 * What `saveReview` refuses before it looks at the session, as `validation_failed`: a review
 * of another session than the one it is saved under.
 */
export function checkReviewSave(sessionId: string, review: ReviewRecord): void {
  if (review.sessionId !== sessionId) {
    throw new UaipError('validation_failed', 'The review belongs to another session');
  }
}

/** A status filter of `listReviewsFor` that is not a review status is `validation_failed`. */
export function checkReviewStatus(status: ReviewStatus | undefined): void {
  if (status !== undefined && !REVIEW_STATUSES.has(status)) {
    throw new UaipError('validation_failed', 'Invalid review status');
  }
}

/**
 * Stores `review` (a copy the caller no longer holds) on the owner's session `entry` when the
 * fence allows: none yet for `expectedVersion` null, else the stored one at `expectedVersion`.
 */
export function saveReviewOn(
  entry: ReviewedEntry | undefined,
  review: ReviewRecord,
  expectedVersion: number | null,
): boolean {
  if (!entry) return false;
  const fenced =
    expectedVersion === null ? entry.review === null : entry.review?.version === expectedVersion;
  if (fenced) entry.review = review;
  return fenced;
}

/**
 * The page of `listReviewsFor`: reviews whose current round names `userId`, of sessions the
 * user owns or is a member of, newest `requestedAt` first (ties: larger session id first).
 */
export function reviewsPage(
  entries: Iterable<ReviewedEntry>,
  userId: string,
  page: PageRequest & { status?: ReviewStatus },
  summarize: (record: SessionRecord) => SessionSummary,
): Page<ReviewAssignment> {
  checkReviewStatus(page.status);
  const candidates: { createdAt: string; id: string; item: () => ReviewAssignment }[] = [];
  for (const { record, members, review } of entries) {
    if (!review) continue;
    const { current } = review;
    if (page.status !== undefined && current.status !== page.status) continue;
    const reviewer = current.reviewers.find((candidate) => candidate.userId === userId);
    if (!reviewer) continue;
    if (record.ownerId !== userId && !members.has(userId)) continue;
    const { round, status, requestedAt } = current;
    candidates.push({
      createdAt: requestedAt,
      id: record.id,
      item: () => ({
        ...summarize(record),
        ownerId: record.ownerId,
        review: { round, status, requestedAt, vote: reviewer.vote },
      }),
    });
  }
  return newestFirstPage(candidates, page, (candidate) => candidate.item());
}
