import { z } from 'zod';
import type { Principal } from '../auth/types';
import { UaipError } from '../errors';
import type {
  Page,
  ReviewAssignment,
  ReviewRecord,
  ReviewRoundRecord,
  SessionRecord,
  Storage,
} from '../storage/types';
import { textField } from '../text-field';
import type { WebhookOutbox } from '../webhooks/messages';
import type { Workflow } from '../workflow/types';
import { loadFor, ownedSession } from './access';
import type { SessionEvent } from './events';
import { listSessionsInput, parseInput } from './inputs';
import { castVote, closeRound, newRound, tally, withNewRound } from './review-rounds';
import { type AccountName, accountName, withOwners } from './sharing';
import type { Review, ReviewRound, Session } from './view-types';

/** The most reviewers a round can name. */
export const MAX_REVIEWERS = 20;

const reviewerRef = z
  .object({
    email: textField({ min: 3, max: 254, trim: true }).optional(),
    userId: textField({ min: 1, max: 200 }).optional(),
  })
  .refine((ref) => (ref.email === undefined) !== (ref.userId === undefined), {
    message: 'Give either email or userId',
    path: ['email'],
  });

/** The body that asks for a committee review. */
export const requestReviewInput = z
  .object({
    reviewers: z.array(reviewerRef).min(1).max(MAX_REVIEWERS),
    /** @default every reviewer */
    approvalsRequired: z.number().int().min(1).max(MAX_REVIEWERS).optional(),
    note: textField({ max: 2_000, trim: true }).optional(),
  })
  .refine((input) => (input.approvalsRequired ?? 0) <= input.reviewers.length, {
    message: 'At most as many approvals as reviewers',
    path: ['approvalsRequired'],
  });
/** What `requestReview` accepts. */
export type RequestReviewInput = z.input<typeof requestReviewInput>;

/** A reviewer's vote and the reason for it. */
export const voteInput = z.object({
  vote: z.enum(['approve', 'reject']),
  comment: textField({ max: 2_000, trim: true, blank: 'Say why' }),
});
/** What `vote` accepts. */
export type VoteInput = z.input<typeof voteInput>;

/** Paging through the reviews asked of the principal. */
export const listReviewsInput = listSessionsInput.extend({
  status: z.enum(['open', 'approved', 'rejected', 'closed']).optional(),
});
/** What `reviewsForMe` accepts. */
export type ListReviewsInput = z.input<typeof listReviewsInput>;

/** The committee review of completed sessions. */
export interface Reviews {
  /**
   * Asks accounts (by email, or user ids the host vouches for, unchecked) to review the principal's
   * completed session, when its workflow calls for it (U-AIP: the decision is "Submit to
   * committee" or "Halt"; `invalid_state` otherwise). Reviewers who are not members become
   * viewers, so they can read what they review. Asking again starts a new round (an open one
   * is closed). Owner only.
   */
  requestReview(
    principal: Principal,
    sessionId: string,
    input: RequestReviewInput,
  ): Promise<Review>;
  /** The session's review, or null when none was requested; for anyone who may read it. */
  review(principal: Principal, sessionId: string): Promise<Review | null>;
  /**
   * A reviewer's vote in the current round, final once cast. The round is approved once
   * `approvalsRequired` reviewers approved, and rejected once that can no longer happen.
   * `forbidden` for anyone not a reviewer of the round; `invalid_state` when it is not open or
   * a revision is under way; `conflict` after the reviewer's own vote, or when the session
   * changed since the round began (the review is then reopened).
   */
  vote(principal: Principal, sessionId: string, input: VoteInput): Promise<Review>;
  /** The reviews whose current round names the principal, newest request first. */
  reviewsForMe(
    principal: Principal,
    input?: ListReviewsInput,
  ): Promise<Page<ReviewAssignment & { owner: AccountName }>>;
}

interface ReviewDependencies {
  storage: Storage;
  now: () => number;
  publish: (event: SessionEvent) => Promise<void> | undefined;
  /** The webhooks of a save's events, written with it; none when undefined. */
  outbox: WebhookOutbox | undefined;
  workflowOf: (session: SessionRecord) => Workflow;
  view: (session: SessionRecord) => Session;
}

/** How often a vote or request is tried again when another one saved the review meanwhile. */
const SAVE_ATTEMPTS = 5;

export function createReviews(deps: ReviewDependencies): Reviews & {
  /** After a revision completed the session again: reopens (or closes) its review. */
  afterRevision(ownerId: string, sessionId: string): Promise<void>;
  /** The review of a session as clients see it, for its report. */
  reviewOf(ownerId: string, session: SessionRecord): Promise<Review | null>;
} {
  const { storage, now, publish } = deps;
  const iso = () => new Date(now()).toISOString();

  const outcomeOf = (session: SessionRecord) => {
    const outcome = (session.result as { outcome?: unknown } | null)?.outcome;
    return typeof outcome === 'string' ? outcome : null;
  };
  const required = (session: SessionRecord) =>
    deps.workflowOf(session).reviewRequired?.(deps.view(session)) ?? true;

  async function toView(record: ReviewRecord, session: SessionRecord): Promise<Review> {
    const ids = new Set(
      [record.current, ...record.earlier].flatMap((round) => round.reviewers.map((r) => r.userId)),
    );
    const names = new Map(
      await Promise.all([...ids].map(async (id) => [id, await accountName(storage, id)] as const)),
    );
    const round = (stored: ReviewRoundRecord): ReviewRound => ({
      ...stored,
      ...tally(stored),
      reviewers: stored.reviewers.map((reviewer) => ({
        ...reviewer,
        ...names.get(reviewer.userId)!,
      })),
    });
    return {
      sessionId: record.sessionId,
      current: round(record.current),
      earlier: record.earlier.map(round),
      upToDate: session.revision === null && session.version === record.current.sessionVersion,
      updatedAt: record.updatedAt,
    };
  }

  /** The reviewers' user ids, every reference resolved to an existing account other than the owner. */
  async function resolveReviewers(
    ownerId: string,
    refs: Array<{ email?: string; userId?: string }>,
  ): Promise<string[]> {
    const ids: string[] = [];
    for (const [index, ref] of refs.entries()) {
      const path = `reviewers.${index}.${ref.email === undefined ? 'userId' : 'email'}`;
      // A user id is vouched for by the host (whose accounts may live elsewhere), as in sharing.
      const user =
        ref.email === undefined ? { id: ref.userId! } : await storage.findUserByEmail(ref.email);
      if (!user) {
        throw new UaipError('not_found', 'No account has this email address', {
          details: [{ path, message: 'No such account' }],
        });
      }
      const problem =
        user.id === ownerId
          ? 'You own this session: name someone else'
          : ids.includes(user.id)
            ? 'This account is named twice'
            : null;
      if (problem) {
        throw new UaipError('validation_failed', problem, {
          details: [{ path, message: problem }],
        });
      }
      ids.push(user.id);
    }
    return ids;
  }

  /** Makes every reviewer able to read the session: those who are not members become viewers. */
  async function grantAccess(principal: Principal, session: SessionRecord, reviewers: string[]) {
    const members = new Set(
      (await storage.listMembers(principal.userId, session.id)).map((member) => member.userId),
    );
    for (const userId of reviewers.filter((id) => !members.has(id))) {
      const at = iso();
      await storage.putMember(principal.userId, session.id, {
        userId,
        role: 'viewer',
        addedBy: principal.userId,
        at,
      });
      await publish({
        type: 'sharing.changed',
        sessionId: session.id,
        version: session.version,
        at,
        userId,
        role: 'viewer',
      });
    }
  }

  /**
   * Saves what `change` makes of the stored review, again on a concurrent save, then publishes
   * the events `announce` makes of the saved review. Their webhooks are written with the save.
   */
  async function update(
    ownerId: string,
    sessionId: string,
    change: (stored: ReviewRecord | null) => ReviewRecord | null,
    announce: (after: ReviewRecord) => SessionEvent[],
  ): Promise<{ before: ReviewRecord | null; after: ReviewRecord } | null> {
    for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt += 1) {
      const before = await storage.getReview(ownerId, sessionId);
      const after = change(before);
      if (!after) return null;
      const events = announce(after);
      const outbox = deps.outbox?.(ownerId, events);
      const expected = before?.version ?? null;
      if (await storage.saveReview(ownerId, sessionId, after, expected, outbox)) {
        for (const event of events) await publish(event);
        return { before, after };
      }
    }
    throw new UaipError('conflict', 'The review is changing right now: try again', {
      retryAfterMs: 1_000,
    });
  }

  function reopen(review: ReviewRecord, session: SessionRecord, at: string): ReviewRecord {
    const current = review.current;
    if (!required(session)) {
      return {
        ...review,
        version: review.version + 1,
        current: { ...current, status: 'closed', closedReason: 'revised', closedAt: at },
        updatedAt: at,
      };
    }
    return {
      ...withNewRound(
        { ...review, current: closeRound(current, 'revised', at) },
        session.id,
        (n) =>
          newRound(n, {
            requestedBy: current.requestedBy,
            at,
            note: current.note,
            sessionVersion: session.version,
            outcome: outcomeOf(session),
            approvalsRequired: current.approvalsRequired,
            reviewers: current.reviewers.map((reviewer) => reviewer.userId),
          }),
        at,
      ),
    };
  }

  /** Reopens a review whose round is about an earlier version of a completed session. */
  async function reopenIfRevised(ownerId: string, session: SessionRecord) {
    if (session.status !== 'completed' || session.revision !== null) return null;
    const saved = await update(
      ownerId,
      session.id,
      (stored) =>
        stored &&
        stored.current.sessionVersion !== session.version &&
        stored.current.status !== 'closed'
          ? reopen(stored, session, iso())
          : null,
      (after) => [
        after.current.status === 'open'
          ? {
              type: 'review.reopened',
              sessionId: session.id,
              version: session.version,
              at: after.updatedAt,
              round: after.current.round,
            }
          : {
              type: 'review.closed',
              sessionId: session.id,
              version: session.version,
              at: after.updatedAt,
              round: after.current.round,
              reason: 'revised',
            },
      ],
    );
    return saved?.after ?? null;
  }

  return {
    async requestReview(principal, sessionId, input) {
      const parsed = parseInput(requestReviewInput, input);
      const session = await ownedSession(storage, principal, sessionId);
      if (session.status !== 'completed' || session.revision !== null) {
        throw new UaipError(
          'invalid_state',
          session.revision
            ? 'A revision is under way: ask for a review once it is done'
            : 'A review can be requested once the session is completed',
        );
      }
      if (!required(session)) {
        throw new UaipError(
          'invalid_state',
          `This session's outcome (${outcomeOf(session) ?? 'none'}) does not call for a committee review`,
        );
      }
      const reviewers = await resolveReviewers(principal.userId, parsed.reviewers);
      await grantAccess(principal, session, reviewers);
      const at = iso();
      const start = {
        requestedBy: principal.userId,
        at,
        // A blank note (only whitespace, trimmed away) is no note.
        note: parsed.note || null,
        sessionVersion: session.version,
        outcome: outcomeOf(session),
        approvalsRequired: parsed.approvalsRequired ?? reviewers.length,
        reviewers,
      };
      const { after } = (await update(
        principal.userId,
        sessionId,
        (stored) => withNewRound(stored, sessionId, (n) => newRound(n, start), at),
        (saved) => [
          {
            type: 'review.requested',
            sessionId,
            version: session.version,
            at,
            round: saved.current.round,
            reviewers,
            approvalsRequired: start.approvalsRequired,
          },
        ],
      ))!;
      return toView(after, session);
    },

    async review(principal, sessionId) {
      const { session, access } = await loadFor(storage, principal, sessionId, 'read');
      const stored = await storage.getReview(access.ownerId, sessionId);
      return stored ? toView(stored, session) : null;
    },

    async vote(principal, sessionId, input) {
      const { vote, comment } = parseInput(voteInput, input);
      const { session, access } = await loadFor(storage, principal, sessionId, 'read');
      const reviewed = await storage.getReview(access.ownerId, sessionId);
      if (!reviewed)
        throw new UaipError('invalid_state', 'No review was requested for this session');
      if (!reviewed.current.reviewers.some((reviewer) => reviewer.userId === principal.userId)) {
        throw new UaipError('forbidden', 'Only the reviewers of this session can vote');
      }
      if (session.revision !== null) {
        throw new UaipError(
          'invalid_state',
          'A revision is under way: vote once the result is rebuilt',
        );
      }
      // Only a round older than the session can need reopening: no extra read otherwise.
      const olderRound = reviewed.current.sessionVersion !== session.version;
      if (olderRound && (await reopenIfRevised(access.ownerId, session)) !== null) {
        throw new UaipError(
          'conflict',
          'The session was revised since the review began: read it again before you vote',
        );
      }
      const at = iso();
      const announce = ({ current }: ReviewRecord): SessionEvent[] => {
        const base = { sessionId, version: session.version, at, round: current.round };
        const voted: SessionEvent = {
          ...base,
          type: 'review.voted',
          userId: principal.userId,
          vote,
        };
        if (current.status !== 'approved' && current.status !== 'rejected') return [voted];
        const outcome = current.status;
        return [voted, { ...base, type: 'review.decided', outcome, decidedBy: principal.userId }];
      };
      const saved = await update(
        access.ownerId,
        sessionId,
        (stored) => {
          if (!stored) throw new UaipError('not_found', 'Session not found');
          const current = stored.current;
          if (!current.reviewers.some((reviewer) => reviewer.userId === principal.userId)) {
            throw new UaipError('forbidden', 'Only the reviewers of this round can vote');
          }
          if (current.status !== 'open') {
            throw new UaipError('invalid_state', `This review round is ${current.status}`);
          }
          if (current.reviewers.find((r) => r.userId === principal.userId)?.vote) {
            throw new UaipError('conflict', 'You have already voted in this round');
          }
          return {
            ...stored,
            version: stored.version + 1,
            current: castVote(current, principal.userId, vote, comment, at),
            updatedAt: at,
          };
        },
        announce,
      );
      return toView(saved!.after, session);
    },

    async reviewsForMe(principal, input = {}) {
      const page = parseInput(listReviewsInput, input);
      return withOwners(
        storage,
        await storage.listReviewsFor(principal.userId, {
          limit: page.limit,
          cursor: page.cursor ?? null,
          ...(page.status ? { status: page.status } : {}),
        }),
      );
    },

    async afterRevision(ownerId, sessionId) {
      const session = await storage.getSession(ownerId, sessionId);
      if (session) await reopenIfRevised(ownerId, session);
    },

    async reviewOf(ownerId, session) {
      const stored = await storage.getReview(ownerId, session.id);
      return stored ? toView(stored, session) : null;
    },
  };
}
