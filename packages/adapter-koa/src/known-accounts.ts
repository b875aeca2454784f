import { type Orchestrator, type PasswordAuth, type Principal, UaipError } from '@uaip/core';

/**
 * When the router manages the accounts, every user id a session's owner names in a body
 * (a member to share with, a reviewer) must be one of them: otherwise a typo would share with,
 * or wait for the vote of, nobody. A host with its own identity (`authenticate`) vouches for
 * its ids, as the core does. Checked for the owner only, after the session is found to be
 * theirs, so nobody else learns which ids exist.
 */
export async function checkNamedAccounts(
  accounts: PasswordAuth | undefined,
  orchestrator: Orchestrator,
  principal: Principal,
  sessionId: string,
  named: Array<{ path: string; userId: string | undefined }>,
): Promise<void> {
  const ids = named.filter((entry): entry is { path: string; userId: string } => !!entry.userId);
  if (!accounts || ids.length === 0) return;
  const { ownerId } = await orchestrator.members(principal, sessionId);
  if (ownerId !== principal.userId) return;
  for (const { path, userId } of ids) {
    if (userId === principal.userId) continue; // the core says why not
    if (!(await accounts.getUser(userId))) {
      throw new UaipError('not_found', 'No account has this user id', {
        details: [{ path, message: 'No such account' }],
      });
    }
  }
}
