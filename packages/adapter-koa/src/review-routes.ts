import {
  listReviewsInput,
  type Orchestrator,
  type PasswordAuth,
  registerInput,
  requestReviewInput,
  shareInput,
  voteInput,
} from '@uaip/core';
import { z } from 'zod';
import { checkNamedAccounts } from './known-accounts';
import {
  reviewAssignmentPageSchema,
  reviewResultSchema,
  sessionReviewSchema,
} from './response-schemas';
import { bodyOf, listQuery, principalOf, queryOf, type RouteSpec, sessionIdOf } from './route-spec';

/** The most reviewers a request names (the core's `MAX_REVIEWERS`, which it checks again). */
export const MAX_REVIEWERS = 20;

/**
 * A reviewer: an account's `email` (an address, trimmed and lower-cased as at registration, so
 * a typo is a 400 naming it rather than a 404 about an account) or a `userId`, as for a share.
 */
const reviewerBody = z
  .object({
    email: registerInput.shape.email.optional(),
    userId: shareInput.shape.userId,
  })
  .refine((input) => (input.email === undefined) !== (input.userId === undefined), {
    message: 'Give either email or userId',
    path: ['email'],
  })
  .meta({
    description: 'Exactly one of `email` and `userId`.',
    oneOf: [{ required: ['email'] }, { required: ['userId'] }],
  });

/** The body of a review request. Unknown fields are left out, as for a share. */
export const requestReviewBody = z
  .object({
    reviewers: z.array(reviewerBody).min(1).max(MAX_REVIEWERS),
    approvalsRequired: requestReviewInput.shape.approvalsRequired.meta({
      description: 'How many approvals approve the round; every reviewer when absent.',
    }),
    note: requestReviewInput.shape.note,
  })
  .refine((input) => (input.approvalsRequired ?? 1) <= input.reviewers.length, {
    message: 'At most as many approvals as reviewers',
    path: ['approvalsRequired'],
  });

/** The body of a vote: `approve` or `reject`, and why (not blank). */
export const voteBody = voteInput;

/** The query of the reviews asked of the caller: a page, and optionally one status. */
export const reviewListQuery = listQuery.extend({
  status: listReviewsInput.shape.status.meta({
    description: 'Only the reviews whose current round is in this state',
  }),
});

/**
 * The committee review of a completed session: the owner asks accounts to review it, each
 * reviewer votes once, any reader reads it, and each reviewer lists what is asked of them.
 * The core decides who may and when; these routes only carry it over HTTP.
 */
export function reviewRoutes(orchestrator: Orchestrator, accounts?: PasswordAuth): RouteSpec[] {
  return [
    {
      method: 'post',
      path: '/sessions/:id/review',
      operationId: 'requestReview',
      summary:
        'Ask accounts to review the completed session (owner only); each request opens a new round',
      auth: true,
      body: requestReviewBody,
      responses: {
        // Every request creates a round (an open one is closed as replaced): always 201.
        201: { description: 'The review, its new round open', schema: reviewResultSchema },
      },
      errors: ['validation_failed', 'not_found', 'forbidden', 'invalid_state', 'conflict'],
      async handle(ctx) {
        const sessionId = sessionIdOf(ctx);
        const { note, ...input } = bodyOf(ctx, requestReviewBody);
        const principal = principalOf(ctx);
        await checkNamedAccounts(
          accounts,
          orchestrator,
          principal,
          sessionId,
          input.reviewers.map((reviewer, index) => ({
            path: `reviewers.${index}.userId`,
            userId: reviewer.userId,
          })),
        );
        // A blank note (trimmed to nothing) is no note, rather than an empty message.
        const review = await orchestrator.requestReview(principal, sessionId, {
          ...input,
          ...(note ? { note } : {}),
        });
        ctx.status = 201;
        ctx.body = { review };
      },
    },
    {
      method: 'get',
      path: '/sessions/:id/review',
      operationId: 'getReview',
      summary: "The session's committee review, for anyone who may read the session",
      auth: true,
      responses: {
        200: {
          description: 'The review; null when none was requested',
          schema: sessionReviewSchema,
        },
      },
      errors: ['not_found'],
      async handle(ctx) {
        ctx.body = { review: await orchestrator.review(principalOf(ctx), sessionIdOf(ctx)) };
      },
    },
    {
      method: 'post',
      path: '/sessions/:id/review/votes',
      operationId: 'voteOnReview',
      summary: "A reviewer's vote in the current round, with a comment (final once cast)",
      auth: true,
      body: voteBody,
      responses: {
        200: {
          description: 'The review with the vote counted (and decided, when it settled it)',
          schema: reviewResultSchema,
        },
      },
      errors: ['validation_failed', 'not_found', 'forbidden', 'invalid_state', 'conflict'],
      async handle(ctx) {
        const sessionId = sessionIdOf(ctx);
        const input = bodyOf(ctx, voteBody);
        ctx.body = { review: await orchestrator.vote(principalOf(ctx), sessionId, input) };
      },
    },
    {
      method: 'get',
      path: '/reviews',
      operationId: 'listReviews',
      summary:
        "The reviews whose current round names the caller, newest request first, with the caller's vote",
      auth: true,
      query: reviewListQuery,
      responses: {
        200: { description: 'A page of review assignments', schema: reviewAssignmentPageSchema },
      },
      errors: ['validation_failed'],
      async handle(ctx) {
        const { limit, cursor, status } = queryOf(ctx, reviewListQuery);
        ctx.body = await orchestrator.reviewsForMe(principalOf(ctx), {
          limit,
          cursor: cursor ?? null,
          ...(status ? { status } : {}),
        });
      },
    },
  ];
}
