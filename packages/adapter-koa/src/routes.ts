import {
  answerInput,
  changePasswordInput,
  loginInput,
  type Orchestrator,
  type PasswordAuth,
  type ReportFormat,
  registerInput,
  startSessionInput,
  UaipError,
} from '@uaip/core';
import type { Context } from 'koa';
import { z } from 'zod';
import { exportRoutes } from './export-routes';
import type { RateLimits } from './rate-limits';
import {
  answerResultSchema,
  loginResultSchema,
  sessionPageSchema,
  sessionSchema,
  turnListSchema,
  usageSchema,
  userSchema,
  workflowListSchema,
} from './response-schemas';
import { reviewRoutes } from './review-routes';
import { revisionRoutes } from './revision-routes';
import {
  bodyOf,
  listQuery,
  principalOf,
  queryOf,
  type RouteSpec,
  rawBodyOf,
  sessionIdOf,
  withTurnOptions,
} from './route-spec';
import { sharingRoutes } from './sharing-routes';
import { streamEvents } from './sse';
import { webhookRoutes } from './webhook-routes';

export { listQuery } from './route-spec';

export const charterQuery = z.object({ format: z.enum(['md', 'json', 'html']).optional() });

/** What the routes need from the router. */
export interface RouteContext {
  orchestrator: Orchestrator;
  accounts?: PasswordAuth;
  rateLimits: RateLimits;
  heartbeatMs: number;
}

/** Every route of the HTTP contract (account routes only when the router manages accounts). */
export function routeSpecs({
  orchestrator,
  accounts,
  rateLimits,
  heartbeatMs,
}: RouteContext): RouteSpec[] {
  // `start` takes only the ids of registered workflows (400 otherwise): the document lists them.
  const startBody = startSessionInput.extend({
    workflowId: z.enum(orchestrator.workflows().map((workflow) => workflow.id)).optional(),
  });
  const accountRoutes: RouteSpec[] = accounts
    ? [
        {
          method: 'post',
          path: '/auth/register',
          operationId: 'register',
          summary: 'Create an account (log in next)',
          auth: false,
          body: registerInput,
          responses: {
            201: { description: 'The new user', schema: z.object({ user: userSchema }) },
          },
          errors: ['validation_failed', 'conflict', 'rate_limited'],
          async handle(ctx) {
            // Counted once the body is valid and before the password is hashed: each costs a hash.
            bodyOf(ctx, registerInput);
            await rateLimits.registration(ctx);
            ctx.status = 201;
            ctx.body = { user: await accounts.register(rawBodyOf(ctx)) };
          },
        },
        {
          method: 'post',
          path: '/auth/login',
          operationId: 'login',
          summary: 'Exchange an email and password for an access token',
          auth: false,
          body: loginInput,
          responses: {
            200: { description: 'A bearer token and the user', schema: loginResultSchema },
          },
          errors: ['validation_failed', 'invalid_credentials', 'rate_limited'],
          async handle(ctx) {
            const { email } = bodyOf(ctx, loginInput);
            // Counted before the password is compared; a success gives the attempt back.
            await rateLimits.loginGuard(ctx, email);
            ctx.body = await accounts.login(rawBodyOf(ctx));
            await rateLimits.loginSucceeded(ctx, email);
          },
        },
        {
          method: 'get',
          path: '/auth/me',
          operationId: 'me',
          summary: 'The signed-in user',
          auth: true,
          responses: { 200: { description: 'The user', schema: z.object({ user: userSchema }) } },
          errors: [],
          async handle(ctx) {
            const user = await accounts.getUser(principalOf(ctx).userId);
            if (!user) throw new UaipError('unauthorized', 'A valid bearer token is required');
            ctx.body = { user };
          },
        },
        {
          method: 'post',
          path: '/auth/logout-all',
          operationId: 'logoutEverywhere',
          summary: "Revoke every one of the caller's tokens, this one included",
          auth: true,
          responses: { 204: { description: 'Every token issued so far is refused from now on' } },
          errors: [],
          async handle(ctx) {
            await accounts.revokeTokens(principalOf(ctx).userId);
            ctx.status = 204;
          },
        },
        {
          method: 'post',
          path: '/auth/password',
          operationId: 'changePassword',
          summary: 'Change the password; every earlier token is revoked (log in again)',
          auth: true,
          body: changePasswordInput,
          responses: { 204: { description: 'Changed; log in with the new password' } },
          errors: ['validation_failed', 'invalid_credentials', 'rate_limited'],
          async handle(ctx) {
            const { currentPassword, newPassword } = bodyOf(ctx, changePasswordInput);
            const { userId } = principalOf(ctx);
            const user = await accounts.getUser(userId);
            if (!user) throw new UaipError('unauthorized', 'A valid bearer token is required');
            // Guessing the current password here counts against the account like a failed login,
            // so a stolen token cannot be used to find the password out.
            await rateLimits.loginGuard(ctx, user.email);
            await accounts.changePassword(userId, currentPassword, newPassword);
            await rateLimits.loginSucceeded(ctx, user.email);
            ctx.status = 204;
          },
        },
      ]
    : [];

  return [
    ...accountRoutes,
    {
      method: 'get',
      path: '/workflows',
      operationId: 'listWorkflows',
      summary: 'The workflows sessions can run',
      auth: true,
      responses: { 200: { description: 'The workflows', schema: workflowListSchema } },
      errors: [],
      async handle(ctx) {
        ctx.body = {
          items: orchestrator.workflows().map((workflow) => ({
            id: workflow.id,
            title: workflow.title,
            description: workflow.description,
            stages: workflow.stages.map(({ id, title, description }) => ({
              id,
              title,
              description,
            })),
          })),
        };
      },
    },
    {
      method: 'post',
      path: '/sessions',
      operationId: 'startSession',
      summary: 'Start a session; its first question is pending',
      auth: true,
      spendsLlm: true,
      body: startBody,
      responses: { 201: { description: 'The new session', schema: sessionSchema } },
      errors: ['validation_failed', 'rate_limited'],
      async handle(ctx) {
        ctx.status = 201;
        ctx.body = await orchestrator.start(principalOf(ctx), rawBodyOf(ctx) as never);
      },
    },
    {
      method: 'get',
      path: '/sessions',
      operationId: 'listSessions',
      summary: "The caller's own sessions, newest first (those shared with them: /shared-sessions)",
      auth: true,
      query: listQuery,
      responses: { 200: { description: 'A page of sessions', schema: sessionPageSchema } },
      errors: ['validation_failed'],
      async handle(ctx) {
        const { limit, cursor } = queryOf(ctx, listQuery);
        ctx.body = await orchestrator.list(principalOf(ctx), { limit, cursor: cursor ?? null });
      },
    },
    {
      method: 'get',
      path: '/sessions/:id',
      operationId: 'getSession',
      summary: 'A session',
      auth: true,
      responses: { 200: { description: 'The session', schema: sessionSchema } },
      errors: ['not_found'],
      async handle(ctx) {
        ctx.body = await orchestrator.get(principalOf(ctx), sessionIdOf(ctx));
      },
    },
    {
      method: 'delete',
      path: '/sessions/:id',
      operationId: 'deleteSession',
      summary:
        'Delete a session (owner only); every route on it answers 404 afterwards, for its members too',
      auth: true,
      responses: { 204: { description: 'Deleted' } },
      errors: ['not_found', 'forbidden'],
      async handle(ctx) {
        await orchestrator.delete(principalOf(ctx), sessionIdOf(ctx));
        ctx.status = 204;
      },
    },
    {
      method: 'get',
      path: '/sessions/:id/turns',
      operationId: 'listTurns',
      summary: 'The transcript: every answered question, oldest first',
      auth: true,
      responses: { 200: { description: 'The turns', schema: turnListSchema } },
      errors: ['not_found'],
      async handle(ctx) {
        ctx.body = { items: await orchestrator.turns(principalOf(ctx), sessionIdOf(ctx)) };
      },
    },
    {
      method: 'post',
      path: '/sessions/:id/answers',
      operationId: 'answer',
      summary: 'Answer the pending question (exactly once; optional Idempotency-Key header)',
      auth: true,
      spendsLlm: true,
      idempotent: true,
      body: answerInput,
      responses: {
        200: {
          description: 'The session after the turn, and what became of the answer',
          schema: answerResultSchema,
        },
      },
      errors: [
        'validation_failed',
        'not_found',
        'forbidden',
        'conflict',
        'session_completed',
        'budget_exceeded',
        'llm_unavailable',
        'rate_limited',
      ],
      async handle(ctx) {
        const sessionId = sessionIdOf(ctx);
        ctx.body = await withTurnOptions(ctx, (options) =>
          orchestrator.answer(principalOf(ctx), sessionId, rawBodyOf(ctx) as never, options),
        );
      },
    },
    ...revisionRoutes(orchestrator),
    {
      method: 'get',
      path: '/sessions/:id/events',
      operationId: 'sessionEvents',
      summary: 'The session events as Server-Sent Events',
      auth: true,
      responses: { 200: { description: 'An event stream', contentTypes: ['text/event-stream'] } },
      errors: ['not_found'],
      async handle(ctx) {
        await streamEvents(ctx, orchestrator, principalOf(ctx), sessionIdOf(ctx), heartbeatMs);
      },
    },
    {
      method: 'get',
      path: '/sessions/:id/charter',
      operationId: 'charter',
      summary: 'The AI Project Charter (?format=md|json|html, or by Accept)',
      auth: true,
      query: charterQuery,
      responses: {
        200: {
          description: 'The charter',
          contentTypes: ['application/json', 'text/markdown', 'text/html'],
        },
      },
      errors: ['not_found', 'invalid_state', 'validation_failed'],
      async handle(ctx) {
        const format = charterFormat(ctx);
        const report = await orchestrator.report(principalOf(ctx), sessionIdOf(ctx), format);
        if (report.format === 'json') {
          ctx.body = report.body;
          return;
        }
        ctx.type =
          report.format === 'html' ? 'text/html; charset=utf-8' : 'text/markdown; charset=utf-8';
        // The charter page styles itself inline and runs no script.
        if (report.format === 'html')
          ctx.set(
            'Content-Security-Policy',
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
          );
        ctx.body = report.body;
      },
    },
    {
      method: 'get',
      path: '/sessions/:id/usage',
      operationId: 'usage',
      summary: 'Tokens and cost of the session, in total, per provider and per stage',
      auth: true,
      responses: { 200: { description: 'The usage', schema: usageSchema } },
      errors: ['not_found'],
      async handle(ctx) {
        ctx.body = await orchestrator.usage(principalOf(ctx), sessionIdOf(ctx));
      },
    },
    ...exportRoutes(orchestrator),
    ...sharingRoutes(orchestrator, accounts),
    ...reviewRoutes(orchestrator, accounts),
    ...webhookRoutes(orchestrator),
  ];
}

/** `?format=` wins over `Accept`; neither means JSON; another format is a 400. */
function charterFormat(ctx: Context): ReportFormat {
  const { format } = queryOf(ctx, charterQuery);
  if (format) return format === 'md' ? 'markdown' : format;
  const accepted = ctx.accepts('application/json', 'text/markdown', 'text/html');
  if (accepted === 'text/markdown') return 'markdown';
  if (accepted === 'text/html') return 'html';
  return 'json';
}
