import { answerInput, type Orchestrator } from '@uaip/core';
import { z } from 'zod';
import { answerResultSchema, historySchema } from './response-schemas';
import {
  bodyOf,
  principalOf,
  type RouteSpec,
  sessionIdOf,
  turnIdOf,
  withTurnOptions,
} from './route-spec';

/**
 * The body of a revision: the new answer, with the limits of any answer. Unknown fields are
 * left out, as for an answer; the turn is the path's.
 */
export const revisionBody = z.object({ answer: answerInput.shape.answer });

/** Revising an earlier answer ("time travel") and the history it leaves. */
export function revisionRoutes(orchestrator: Orchestrator): RouteSpec[] {
  return [
    {
      method: 'post',
      path: '/sessions/:id/turns/:turnId/revisions',
      operationId: 'reviseAnswer',
      summary:
        'Revise an accepted answer; what was built on it is rebuilt (optional Idempotency-Key header)',
      auth: true,
      spendsLlm: true,
      idempotent: true,
      body: revisionBody,
      responses: {
        200: {
          description:
            'The session after the turn, what became of the new answer, and where the revision stands',
          schema: answerResultSchema,
        },
      },
      errors: [
        'validation_failed',
        'not_found',
        'forbidden',
        'conflict',
        'invalid_state',
        'budget_exceeded',
        'llm_unavailable',
        'rate_limited',
      ],
      async handle(ctx) {
        const sessionId = sessionIdOf(ctx);
        const turnId = turnIdOf(ctx);
        const { answer } = bodyOf(ctx, revisionBody);
        ctx.body = await withTurnOptions(ctx, (options) =>
          orchestrator.revise(principalOf(ctx), sessionId, { turnId, answer }, options),
        );
      },
    },
    {
      method: 'get',
      path: '/sessions/:id/history',
      operationId: 'history',
      summary: 'Every answer given, and every version of the artifacts, results and reports',
      auth: true,
      responses: { 200: { description: 'The history', schema: historySchema } },
      errors: ['not_found'],
      async handle(ctx) {
        ctx.body = await orchestrator.history(principalOf(ctx), sessionIdOf(ctx));
      },
    },
  ];
}
