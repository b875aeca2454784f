import { type Orchestrator, type PasswordAuth, registerInput, shareInput } from '@uaip/core';
import { z } from 'zod';
import { checkNamedAccounts } from './known-accounts';
import {
  memberResultSchema,
  sessionMembersSchema,
  sharedSessionPageSchema,
} from './response-schemas';
import {
  bodyOf,
  listQuery,
  memberIdOf,
  principalOf,
  queryOf,
  type RouteSpec,
  sessionIdOf,
} from './route-spec';

/**
 * The body of a share: an account's `email` or a `userId`, and the role. The email is an
 * address, trimmed and lower-cased as at registration, so a typo is a 400 naming it rather
 * than a 404 about an account.
 */
export const shareBody = z
  .object({
    email: registerInput.shape.email.optional(),
    userId: shareInput.shape.userId,
    role: shareInput.shape.role,
  })
  .refine((input) => (input.email === undefined) !== (input.userId === undefined), {
    message: 'Give either email or userId',
    path: ['email'],
  })
  .meta({
    description: 'Exactly one of `email` and `userId`, and the role.',
    oneOf: [{ required: ['email'] }, { required: ['userId'] }],
  });

/** The body of a role change. */
export const roleBody = z.object({ role: shareInput.shape.role });

/**
 * Sharing a session: its members (add, list, change the role, remove) and the sessions shared
 * with the caller. The core decides who may: the owner manages members, any reader lists
 * them, a member may remove themselves.
 */
export function sharingRoutes(orchestrator: Orchestrator, accounts?: PasswordAuth): RouteSpec[] {
  return [
    {
      method: 'post',
      path: '/sessions/:id/members',
      operationId: 'shareSession',
      summary:
        "Share the session with an account as viewer or editor, or set a member's role (owner only)",
      auth: true,
      body: shareBody,
      responses: {
        201: { description: 'Shared: the new member', schema: memberResultSchema },
        200: {
          description: 'They were a member already: their role is now the one sent',
          schema: memberResultSchema,
        },
      },
      errors: ['validation_failed', 'not_found', 'forbidden'],
      async handle(ctx) {
        const sessionId = sessionIdOf(ctx);
        const input = bodyOf(ctx, shareBody);
        const principal = principalOf(ctx);
        await checkNamedAccounts(accounts, orchestrator, principal, sessionId, [
          { path: 'userId', userId: input.userId },
        ]);
        // The core's share adds or changes without saying which; the members before tell.
        const before = await orchestrator.members(principal, sessionId);
        const member = await orchestrator.share(principal, sessionId, input);
        const existed = before.members.some((one) => one.userId === member.userId);
        ctx.status = existed ? 200 : 201;
        ctx.body = { member };
      },
    },
    {
      method: 'get',
      path: '/sessions/:id/members',
      operationId: 'listMembers',
      summary: 'Who the session is shared with, and its owner',
      auth: true,
      responses: {
        200: { description: 'The owner and the members', schema: sessionMembersSchema },
      },
      errors: ['not_found'],
      async handle(ctx) {
        ctx.body = await orchestrator.members(principalOf(ctx), sessionIdOf(ctx));
      },
    },
    {
      method: 'patch',
      path: '/sessions/:id/members/:userId',
      operationId: 'changeMemberRole',
      summary: "Change a member's role (owner only; never adds a member)",
      auth: true,
      body: roleBody,
      responses: {
        200: { description: 'The member, with the new role', schema: memberResultSchema },
      },
      errors: ['validation_failed', 'not_found', 'forbidden'],
      async handle(ctx) {
        const sessionId = sessionIdOf(ctx);
        const userId = memberIdOf(ctx);
        const { role } = bodyOf(ctx, roleBody);
        const principal = principalOf(ctx);
        ctx.body = { member: await orchestrator.changeRole(principal, sessionId, userId, role) };
      },
    },
    {
      method: 'delete',
      path: '/sessions/:id/members/:userId',
      operationId: 'removeMember',
      summary: "End a member's access (the owner removes anyone, a member themselves)",
      auth: true,
      responses: { 204: { description: 'Removed: the session is 404 for them again' } },
      errors: ['not_found', 'forbidden'],
      async handle(ctx) {
        const sessionId = sessionIdOf(ctx);
        await orchestrator.unshare(principalOf(ctx), sessionId, memberIdOf(ctx));
        ctx.status = 204;
      },
    },
    {
      method: 'get',
      path: '/shared-sessions',
      operationId: 'listSharedSessions',
      summary: 'The sessions shared with the caller, newest first, with their owner and role',
      auth: true,
      query: listQuery,
      responses: {
        200: { description: 'A page of shared sessions', schema: sharedSessionPageSchema },
      },
      errors: ['validation_failed'],
      async handle(ctx) {
        const { limit, cursor } = queryOf(ctx, listQuery);
        ctx.body = await orchestrator.sharedWithMe(principalOf(ctx), {
          limit,
          cursor: cursor ?? null,
        });
      },
    },
  ];
}
