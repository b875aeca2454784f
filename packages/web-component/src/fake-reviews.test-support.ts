import type {
  Review,
  ReviewAssignment,
  ReviewRound,
  ReviewStatus,
  ReviewVote,
  Session,
  SessionRole,
  User,
} from './api-types';
import { DECISION_WORDS, error, fakeReport, json, toSummary } from './fake-data.test-support';
import type { Need } from './fake-sharing.test-support';

// The committee review, for the fake server (fake-api.test-support.ts), following the core's
// rules (packages/core/src/orchestrator/review.ts): the owner asks accounts to review a
// completed session whose decision calls for the committee (reviewers who are not members
// become viewers, asking again closes an open round as replaced); each reviewer votes once
// with a comment; a round is approved once `approvalsRequired` approved and rejected once that
// can no longer happen; a vote on a session changed since the round began reopens the review
// (a new round, same reviewers) and is refused with 409.

/** What the review needs of the fake server. */
export interface ReviewContext {
  userByEmail(email: string): User | undefined;
  userById(id: string): User | undefined;
  sessions: Map<string, Session>;
  ownerOf(session: Session): string;
  roleOf(userId: string, session: Session): SessionRole | null;
  refuse(role: SessionRole, need: Need): Response | null;
  /** Makes `userId` a viewer unless they have access already (with its event). */
  grant(session: Session, userId: string): void;
  event(session: Session, extra: Record<string, unknown>): void;
}

type StoredRound = Omit<ReviewRound, 'approvals' | 'rejections' | 'reviewers'> & {
  reviewers: Array<{
    userId: string;
    vote: ReviewVote | null;
    comment: string | null;
    votedAt: string | null;
  }>;
};

const invalid = (path: string, message: string, status = 400, code = 'validation_failed') =>
  json(status, { error: { code, message, details: [{ path, message }], requestId: 'req-fake' } });

export function createFakeReviews(context: ReviewContext) {
  /** Session id → its rounds, oldest first (the last is the current one). */
  const reviews = new Map<string, StoredRound[]>();
  const at = () => new Date().toISOString();

  function view(session: Session): Review | null {
    const rounds = reviews.get(session.id);
    if (!rounds) return null;
    const toRound = (round: StoredRound): ReviewRound => ({
      ...round,
      approvals: round.reviewers.filter((reviewer) => reviewer.vote === 'approve').length,
      rejections: round.reviewers.filter((reviewer) => reviewer.vote === 'reject').length,
      reviewers: round.reviewers.map((reviewer) => {
        const user = context.userById(reviewer.userId);
        return { ...reviewer, email: user?.email ?? null, name: user?.name ?? null };
      }),
    });
    const current = rounds.at(-1)!;
    return {
      sessionId: session.id,
      current: toRound(current),
      earlier: rounds.slice(0, -1).map(toRound),
      upToDate: session.version === current.sessionVersion && !session.revision,
      updatedAt: at(),
    };
  }

  function newRound(
    session: Session,
    from: Omit<
      StoredRound,
      | 'round'
      | 'status'
      | 'requestedAt'
      | 'sessionVersion'
      | 'outcome'
      | 'decidedBy'
      | 'decidedAt'
      | 'closedReason'
      | 'closedAt'
    >,
  ) {
    const rounds = reviews.get(session.id) ?? [];
    reviews.set(session.id, rounds);
    const round: StoredRound = {
      ...from,
      round: rounds.length + 1,
      status: 'open',
      requestedAt: at(),
      sessionVersion: session.version,
      outcome: DECISION_WORDS[fakeReport(session).decision.decision],
      decidedBy: null,
      decidedAt: null,
      closedReason: null,
      closedAt: null,
      reviewers: from.reviewers.map((reviewer) => ({
        ...reviewer,
        vote: null,
        comment: null,
        votedAt: null,
      })),
    };
    rounds.push(round);
    return round;
  }

  function close(round: StoredRound | undefined, reason: 'revised' | 'replaced') {
    if (round?.status === 'open')
      Object.assign(round, { status: 'closed', closedReason: reason, closedAt: at() });
  }

  function request(session: Session, user: User, body: Record<string, unknown>): Response {
    const refs = body.reviewers;
    if (!Array.isArray(refs) || refs.length === 0 || refs.length > 20)
      return invalid('reviewers', 'Name between 1 and 20 reviewers');
    if (session.status !== 'completed')
      return error(422, 'invalid_state', 'A review can be requested once the session is completed');
    if (!fakeReport(session).decision.requiresCommitteeReview) {
      const outcome = DECISION_WORDS[fakeReport(session).decision.decision];
      return error(
        422,
        'invalid_state',
        `This session's outcome (${outcome}) does not call for a committee review`,
      );
    }
    const ids: string[] = [];
    for (const [index, ref] of (refs as Array<{ email?: string }>).entries()) {
      const path = `reviewers.${index}.email`;
      const email = String(ref.email ?? '').trim();
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return invalid(path, 'Invalid email address');
      const found = context.userByEmail(email);
      if (!found) return invalid(path, 'No such account', 404, 'not_found');
      if (found.id === user.id) return invalid(path, 'You own this session: name someone else');
      if (ids.includes(found.id)) return invalid(path, 'This account is named twice');
      ids.push(found.id);
    }
    const approvalsRequired = body.approvalsRequired ?? ids.length;
    if (
      typeof approvalsRequired !== 'number' ||
      approvalsRequired < 1 ||
      approvalsRequired > ids.length
    )
      return invalid('approvalsRequired', 'At most as many approvals as reviewers');
    for (const id of ids) context.grant(session, id);
    close(reviews.get(session.id)?.at(-1), 'replaced');
    const round = newRound(session, {
      requestedBy: user.id,
      note: typeof body.note === 'string' && body.note.trim() ? body.note.trim() : null,
      approvalsRequired,
      reviewers: ids.map((userId) => ({ userId, vote: null, comment: null, votedAt: null })),
    });
    context.event(session, {
      type: 'review.requested',
      round: round.round,
      reviewers: ids,
      approvalsRequired,
    });
    return json(201, { review: view(session) });
  }

  /** A new round about the session as it is now, same reviewers (after a revision). */
  function reopen(session: Session) {
    const previous = reviews.get(session.id)!.at(-1)!;
    close(previous, 'revised');
    const round = newRound(session, previous);
    context.event(session, { type: 'review.reopened', round: round.round });
  }

  function vote(session: Session, user: User, body: Record<string, unknown>): Response {
    const comment = typeof body.comment === 'string' ? body.comment.trim() : '';
    if (body.vote !== 'approve' && body.vote !== 'reject')
      return invalid('vote', 'Must be approve or reject');
    if (!comment) return invalid('comment', 'Say why');
    const round = reviews.get(session.id)?.at(-1);
    if (!round) return error(422, 'invalid_state', 'No review was requested for this session');
    const mine = round.reviewers.find((reviewer) => reviewer.userId === user.id);
    if (!mine) return error(403, 'forbidden', 'Only the reviewers of this session can vote');
    if (round.status === 'open' && round.sessionVersion !== session.version) {
      reopen(session);
      return error(
        409,
        'conflict',
        'The session was revised since the review began: read it again before you vote',
      );
    }
    if (round.status !== 'open')
      return error(422, 'invalid_state', `This review round is ${round.status}`);
    if (mine.vote) return error(409, 'conflict', 'You have already voted in this round');
    Object.assign(mine, { vote: body.vote, comment, votedAt: at() });
    const approvals = round.reviewers.filter((reviewer) => reviewer.vote === 'approve').length;
    const waiting = round.reviewers.filter((reviewer) => reviewer.vote === null).length;
    const status: ReviewStatus =
      approvals >= round.approvalsRequired
        ? 'approved'
        : approvals + waiting < round.approvalsRequired
          ? 'rejected'
          : 'open';
    const base = { round: round.round };
    context.event(session, { ...base, type: 'review.voted', userId: user.id, vote: body.vote });
    if (status !== 'open') {
      Object.assign(round, { status, decidedBy: user.id, decidedAt: at() });
      context.event(session, {
        ...base,
        type: 'review.decided',
        outcome: status,
        decidedBy: user.id,
      });
    }
    return json(200, { review: view(session) });
  }

  /** `/sessions/:id/review` (`rest` '') and `/sessions/:id/review/votes`. */
  function route(
    method: string,
    rest: string,
    session: Session,
    user: User,
    role: SessionRole,
    body: Record<string, unknown>,
  ): Response {
    if (rest === '' && method === 'GET') return json(200, { review: view(session) });
    if (rest === '' && method === 'POST')
      return context.refuse(role, 'own') ?? request(session, user, body);
    if (rest === '/votes' && method === 'POST') return vote(session, user, body);
    return error(404, 'not_found', 'Not found');
  }

  /** `GET /reviews`: the sessions whose current round names `user`, newest request first. */
  function assigned(user: User, url: URL): Response {
    const status = url.searchParams.get('status');
    const items: ReviewAssignment[] = [];
    for (const session of context.sessions.values()) {
      const round = reviews.get(session.id)?.at(-1);
      const mine = round?.reviewers.find((reviewer) => reviewer.userId === user.id);
      if (!round || !mine || (status && round.status !== status)) continue;
      if (!context.roleOf(user.id, session)) continue;
      items.push({
        ...toSummary(session),
        ownerId: context.ownerOf(session),
        review: {
          round: round.round,
          status: round.status,
          requestedAt: round.requestedAt,
          vote: mine.vote,
        },
      });
    }
    items.sort((a, b) => b.review.requestedAt.localeCompare(a.review.requestedAt));
    const start = Number(url.searchParams.get('cursor') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 20);
    return json(200, {
      items: items.slice(start, start + limit),
      nextCursor: start + limit < items.length ? String(start + limit) : null,
    });
  }

  /** Where the review stands, for the charter's "Committee review" section; undefined without one. */
  function line(session: Session): string | undefined {
    const review = view(session);
    if (!review) return undefined;
    const { current } = review;
    return `Round ${current.round}. ${current.status[0]!.toUpperCase()}${current.status.slice(1)}: ${current.approvals} of ${current.approvalsRequired} approvals.`;
  }

  return { route, assigned, line, view };
}
