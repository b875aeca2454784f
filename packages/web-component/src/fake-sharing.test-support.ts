import type { Member, MemberRole, Session, SessionRole, User } from './api-types';
import { error, json, toSummary } from './fake-data.test-support';

// Sharing sessions, for the fake server (fake-api.test-support.ts), following the core's rules
// (packages/core/src/orchestrator/access.ts, sharing.ts): a viewer reads everything, an editor
// also answers and revises, the owner alone shares and deletes; a member beyond their role gets
// 403 forbidden, a stranger 404 as if the session did not exist. Every change of a member's
// access is a `sharing.changed` event.

/** What sharing needs of the fake server. */
export interface SharingContext {
  userByEmail(email: string): User | undefined;
  userById(id: string): User | undefined;
  sessions: Map<string, Session>;
  ownerOf(session: Session): string;
  /** Publishes an event on the session's stream. */
  event(session: Session, extra: Record<string, unknown>): void;
}

/** What a route needs of the caller: read it, change it (answer, revise), or own it. */
export type Need = 'read' | 'write' | 'own';

type MemberRecord = Omit<Member, 'email' | 'name'>;

const ALLOWED: Record<Need, SessionRole[]> = {
  read: ['owner', 'editor', 'viewer'],
  write: ['owner', 'editor'],
  own: ['owner'],
};
const ROLES: readonly string[] = ['viewer', 'editor'];
const invalid = (path: string, message: string) =>
  json(400, {
    error: { code: 'validation_failed', message, details: [{ path, message }] },
  });

export function createFakeSharing(context: SharingContext) {
  /** Session id → member user id → membership. */
  const memberships = new Map<string, Map<string, MemberRecord>>();
  const membersOf = (sessionId: string) => {
    let members = memberships.get(sessionId);
    if (!members) {
      members = new Map();
      memberships.set(sessionId, members);
    }
    return members;
  };
  const toMember = (record: MemberRecord): Member => {
    const user = context.userById(record.userId);
    return { ...record, email: user?.email ?? null, name: user?.name ?? null };
  };

  function roleOf(userId: string, session: Session): SessionRole | null {
    if (context.ownerOf(session) === userId) return 'owner';
    return memberships.get(session.id)?.get(userId)?.role ?? null;
  }

  /** The 403 of a member beyond their role, as the core words it; null when allowed. */
  function refuse(role: SessionRole, need: Need): Response | null {
    if (ALLOWED[need].includes(role)) return null;
    return error(
      403,
      'forbidden',
      role === 'viewer'
        ? 'This session is shared with you to read: only its owner and editors can change it'
        : "Only the session's owner can do this",
    );
  }

  /**
   * Adds a member or changes their role (the status is 201 for a new member), with its
   * `sharing.changed` event unless `announce` is false (a change whose event a client missed).
   */
  function put(session: Session, userId: string, role: MemberRole, announce = true) {
    const members = membersOf(session.id);
    const at = new Date().toISOString();
    const before = members.get(userId);
    const record: MemberRecord = before
      ? { ...before, role, updatedAt: at }
      : { userId, role, addedBy: context.ownerOf(session), createdAt: at, updatedAt: at };
    members.set(userId, record);
    if (announce) context.event(session, { type: 'sharing.changed', userId, role });
    return { status: before ? 200 : 201, member: toMember(record) };
  }

  function share(session: Session, user: User, body: Record<string, unknown>): Response {
    if (!ROLES.includes(body.role as string)) return invalid('role', 'Must be viewer or editor');
    let target: User | undefined;
    if (typeof body.email === 'string') {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(body.email.trim()))
        return invalid('email', 'Invalid email address');
      target = context.userByEmail(body.email.trim());
      if (!target) return error(404, 'not_found', 'No account has this email address');
    } else if (typeof body.userId === 'string') {
      target = context.userById(body.userId);
      if (!target) return error(404, 'not_found', 'No such user');
    } else return invalid('email', 'Give either email or userId');
    if (target.id === user.id) return invalid('email', 'You own this session');
    const { status, member } = put(session, target.id, body.role as MemberRole);
    return json(status, { member });
  }

  /** `/sessions/:id/members` (`rest` '') and `/sessions/:id/members/:userId` (`rest` '/…'). */
  function route(
    method: string,
    rest: string,
    session: Session,
    user: User,
    role: SessionRole,
    body: Record<string, unknown>,
  ): Response {
    const members = membersOf(session.id);
    if (rest === '' && method === 'GET') {
      return json(200, {
        ownerId: context.ownerOf(session),
        members: [...members.values()].map(toMember),
      });
    }
    if (rest === '' && method === 'POST') return refuse(role, 'own') ?? share(session, user, body);
    const userId = decodeURIComponent(rest.slice(1));
    if (method === 'PATCH') {
      const refused = refuse(role, 'own');
      if (refused) return refused;
      if (!ROLES.includes(body.role as string)) return invalid('role', 'Must be viewer or editor');
      if (!members.has(userId))
        return error(404, 'not_found', 'This session is not shared with that user');
      return json(200, { member: put(session, userId, body.role as MemberRole).member });
    }
    if (method === 'DELETE') {
      const refused = userId === user.id ? null : refuse(role, 'own');
      if (refused) return refused;
      if (!members.delete(userId))
        return error(404, 'not_found', 'This session is not shared with that user');
      context.event(session, { type: 'sharing.changed', userId, role: null });
      return new Response(null, { status: 204 });
    }
    return error(404, 'not_found', 'Not found');
  }

  /** `GET /shared-sessions`: what is shared with `user`, newest first, a page at a time. */
  function shared(user: User, url: URL): Response {
    const items = [...context.sessions.values()]
      .filter((session) => memberships.get(session.id)?.has(user.id))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const start = Number(url.searchParams.get('cursor') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 20);
    return json(200, {
      items: items.slice(start, start + limit).map((session) => ({
        ...toSummary(session),
        ownerId: context.ownerOf(session),
        role: memberships.get(session.id)!.get(user.id)!.role,
      })),
      nextCursor: start + limit < items.length ? String(start + limit) : null,
    });
  }

  return { roleOf, refuse, route, shared, put };
}
