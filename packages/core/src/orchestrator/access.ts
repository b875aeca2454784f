import type { Principal } from '../auth/types';
import { UaipError } from '../errors';
import type { SessionAccess, SessionRecord, Storage } from '../storage/types';

/** What a caller wants to do with a session: read it, change it (answer, revise), or own it. */
export type Need = 'read' | 'write' | 'own';

const ALLOWED: Record<Need, ReadonlyArray<SessionAccess['role']>> = {
  read: ['owner', 'editor', 'viewer'],
  write: ['owner', 'editor'],
  own: ['owner'],
};

/**
 * The access of a caller who is not the session's owner, checked against `need`: a stranger
 * (or a missing session) is `not_found`, exactly like another user's session always was; a
 * member without the role is `forbidden`.
 */
export async function memberAccess(
  storage: Storage,
  principal: Principal,
  sessionId: string,
  need: Need,
): Promise<SessionAccess> {
  const access = await storage.accessOf(principal.userId, sessionId);
  if (!access) throw new UaipError('not_found', 'Session not found');
  if (!ALLOWED[need].includes(access.role)) {
    throw new UaipError(
      'forbidden',
      access.role === 'viewer'
        ? 'This session is shared with you to read: only its owner and editors can change it'
        : "Only the session's owner can do this",
    );
  }
  return access;
}

/**
 * The session, for a caller allowed `need` on it, and the caller's access. The owner's own
 * session costs one read, as before sharing existed; a member's costs the access lookup too.
 */
export async function loadFor(
  storage: Storage,
  principal: Principal,
  sessionId: string,
  need: Need,
): Promise<{ session: SessionRecord; access: SessionAccess }> {
  const own = await storage.getSession(principal.userId, sessionId);
  if (own) return { session: own, access: { ownerId: principal.userId, role: 'owner' } };
  const access = await memberAccess(storage, principal, sessionId, need);
  const session = await storage.getSession(access.ownerId, sessionId);
  if (!session) throw new UaipError('not_found', 'Session not found');
  return { session, access };
}

/**
 * Runs `work` as the session's owner when the caller owns it, else with the owner's id of a
 * session shared with the caller in a role allowed `need`. The owner's path makes no extra
 * round trip: `work` itself reports `not_found` for a session the caller does not own.
 */
export async function asOwnerOrMember<T>(
  storage: Storage,
  principal: Principal,
  sessionId: string,
  need: Need,
  work: (ownerId: string) => Promise<T>,
): Promise<T> {
  try {
    return await work(principal.userId);
  } catch (error) {
    if (!UaipError.isInstance(error) || error.code !== 'not_found') throw error;
    const access = await storage.accessOf(principal.userId, sessionId);
    // Missing, the caller's own (the not_found was about something else), or a stranger's.
    if (!access || access.role === 'owner') throw error;
    await memberAccess(storage, principal, sessionId, need);
    return work(access.ownerId);
  }
}

/** The caller's own session, or why not: `forbidden` for a member, `not_found` for anyone else. */
export async function ownedSession(
  storage: Storage,
  principal: Principal,
  sessionId: string,
): Promise<SessionRecord> {
  const session = await storage.getSession(principal.userId, sessionId);
  if (session) return session;
  await memberAccess(storage, principal, sessionId, 'own');
  throw new UaipError('not_found', 'Session not found');
}
