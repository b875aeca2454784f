import type {
  OutboxMessage,
  Page,
  PageRequest,
  ReviewAssignment,
  ReviewRecord,
  ReviewRoundRecord,
  ReviewStatus,
  ReviewVote,
} from '@uaip/core';
import { UaipError } from '@uaip/core';
import { pageOfBy, pageStart } from './cursor';
import type { Database, Queryable } from './database';
import { sqlState } from './errors';
import { outboxInsertSql, outboxRows } from './outbox-sql';
import { SUMMARY_COLUMNS, toSummary } from './sessions-sql';
import { iso, jsonParam, num } from './sql-values';

const REVIEW_STATUSES: ReadonlySet<string> = new Set<ReviewStatus>([
  'open',
  'approved',
  'rejected',
  'closed',
]);

const GET_SQL = `
select session_id, version, current, earlier, updated_at from session_reviews
where session_id = $2 and owner_id = $1`;

// Inserts only when the session is the owner's (the select finds it); an existing review
// stays as it is and the statement returns no row.
const CREATE_SQL = `
insert into session_reviews (session_id, owner_id, version, requested_at, current, earlier,
  updated_at)
select s.id, s.owner_id, $3, $4::timestamptz, $5::jsonb, $6::jsonb, $7::timestamptz
from sessions s
where s.id = $2 and s.owner_id = $1
on conflict (session_id) do nothing
returning session_id`;

const UPDATE_SQL = `
update session_reviews
set version = $3, requested_at = $4::timestamptz, current = $5::jsonb, earlier = $6::jsonb,
  updated_at = $7::timestamptz
where session_id = $2 and owner_id = $1 and version = $8
returning session_id`;

const OUTBOX_SQL = outboxInsertSql(null, '$1');

const CLEAR_REVIEWERS_SQL = 'delete from session_reviewers where session_id = $1';

// The current round's reviewers, read from the review just written (a reviewer named twice
// is one row).
const WRITE_REVIEWERS_SQL = `
insert into session_reviewers (session_id, user_id, requested_at)
select r.session_id, x.reviewer ->> 'userId', r.requested_at
from session_reviews r cross join jsonb_array_elements(r.current -> 'reviewers') as x(reviewer)
where r.session_id = $1
on conflict do nothing`;

// Through the reviewer's index in the list's order; the session must still be the user's or
// shared with them. A null status ($3) keeps every round: a filter, not an index bound, so
// one statement serves both. Two statements for the cursor, as in listSessions.
const ASSIGNMENT_SELECT = `
select ${SUMMARY_COLUMNS}, s.owner_id, rv.current -> 'round' as review_round,
  rv.current ->> 'status' as review_status, rv.current ->> 'requestedAt' as review_requested_at,
  (select x.reviewer ->> 'vote' from jsonb_array_elements(rv.current -> 'reviewers') as x(reviewer)
    where x.reviewer ->> 'userId' = $1 limit 1) as review_vote,
  r.requested_at as cursor_time
from session_reviewers r
join session_reviews rv on rv.session_id = r.session_id
join sessions s on s.id = r.session_id
where r.user_id = $1
  and ($3::text is null or rv.current ->> 'status' = $3::text)
  and (s.owner_id = $1 or exists (
    select 1 from session_members m where m.session_id = s.id and m.user_id = $1))`;

const LIST_FIRST_SQL = `${ASSIGNMENT_SELECT}
order by r.requested_at desc, r.session_id desc
limit $2`;

const LIST_AFTER_SQL = `${ASSIGNMENT_SELECT}
  and (r.requested_at, r.session_id) < ($4::timestamptz, $5::text)
order by r.requested_at desc, r.session_id desc
limit $2`;

type ReviewRow = {
  session_id: string;
  version: unknown;
  current: ReviewRoundRecord;
  earlier: ReviewRoundRecord[];
  updated_at: unknown;
};

export async function getReview(
  db: Queryable,
  ownerId: string,
  sessionId: string,
): Promise<ReviewRecord | null> {
  const { rows } = await db.query<ReviewRow>(GET_SQL, [ownerId, sessionId], {
    name: 'uaip_get_review',
  });
  const row = rows[0];
  if (!row) return null;
  return {
    sessionId: row.session_id,
    version: num(row.version),
    current: row.current,
    earlier: row.earlier,
    updatedAt: iso(row.updated_at),
  };
}

/**
 * `Storage.saveReview`: the review row created or replaced at its version, and its current
 * round's reviewers rewritten, and the webhooks announcing it written, in one transaction.
 */
export async function saveReview(
  db: Database,
  ownerId: string,
  sessionId: string,
  review: ReviewRecord,
  expectedVersion: number | null,
  outbox: OutboxMessage[] = [],
): Promise<boolean> {
  // The memory storage's rule, checked before the database is asked.
  if (review.sessionId !== sessionId) {
    throw new UaipError('validation_failed', 'The review belongs to another session');
  }
  const values = [
    ownerId,
    sessionId,
    review.version,
    review.current.requestedAt,
    jsonParam(review.current),
    jsonParam(review.earlier),
    review.updatedAt,
  ];
  try {
    return await db.transaction(async (tx) => {
      const { rows } =
        expectedVersion === null
          ? await tx.query(CREATE_SQL, values, { name: 'uaip_create_review' })
          : await tx.query(UPDATE_SQL, [...values, expectedVersion], {
              name: 'uaip_update_review',
            });
      if (rows.length === 0) return false;
      await tx.query(CLEAR_REVIEWERS_SQL, [sessionId], { name: 'uaip_clear_reviewers' });
      await tx.query(WRITE_REVIEWERS_SQL, [sessionId], { name: 'uaip_write_reviewers' });
      if (outbox.length > 0) {
        await tx.query(OUTBOX_SQL, [outboxRows(ownerId, sessionId, outbox)], {
          name: 'uaip_review_outbox',
        });
      }
      return true;
    });
  } catch (error) {
    // The session was deleted between the insert's read of it and its write.
    if (sqlState(error) === '23503') return false;
    throw error;
  }
}

export async function listReviewsFor(
  db: Queryable,
  userId: string,
  page: PageRequest & { status?: ReviewStatus },
): Promise<Page<ReviewAssignment>> {
  const after = pageStart(page);
  const status = page.status ?? null;
  if (status !== null && !REVIEW_STATUSES.has(status)) {
    throw new UaipError('validation_failed', 'Invalid review status');
  }
  const { rows } = after
    ? await db.query<Record<string, unknown>>(
        LIST_AFTER_SQL,
        [userId, page.limit + 1, status, after.createdAt, after.id],
        { name: 'uaip_list_reviews_for_after' },
      )
    : await db.query<Record<string, unknown>>(LIST_FIRST_SQL, [userId, page.limit + 1, status], {
        name: 'uaip_list_reviews_for',
      });
  return pageOfBy(rows, page.limit, toAssignment, (row) => ({
    createdAt: iso(row.cursor_time),
    id: row.id as string,
  }));
}

function toAssignment(row: Record<string, unknown>): ReviewAssignment {
  return {
    ...toSummary(row),
    ownerId: row.owner_id as string,
    review: {
      round: num(row.review_round),
      status: row.review_status as ReviewStatus,
      requestedAt: row.review_requested_at as string,
      vote: (row.review_vote as ReviewVote | null) ?? null,
    },
  };
}
