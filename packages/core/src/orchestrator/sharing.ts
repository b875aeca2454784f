import { z } from 'zod';
import type { Principal } from '../auth/types';
import { UaipError } from '../errors';
import type {
  MemberRecord,
  MemberRole,
  Page,
  SharedSessionSummary,
  Storage,
} from '../storage/types';
import { textField } from '../text-field';
import { loadFor, memberAccess, ownedSession } from './access';
import type { SessionEvent } from './events';
import { listSessionsInput, parseInput } from './inputs';

/** Who to share a session with (an account's email, or a user id the host vouches for) and how. */
export const shareInput = z
  .object({
    email: textField({ min: 3, max: 254, trim: true }).optional(),
    userId: textField({ min: 1, max: 200 }).optional(),
    role: z.enum(['viewer', 'editor']),
  })
  .refine((input) => (input.email === undefined) !== (input.userId === undefined), {
    message: 'Give either email or userId',
    path: ['email'],
  });
/** What `share` accepts. */
export type ShareInput = z.input<typeof shareInput>;

const roleInput = z.object({ role: z.enum(['viewer', 'editor']) });

function memberOf(records: MemberRecord[], userId: string): MemberRecord {
  const found = records.find((candidate) => candidate.userId === userId);
  // Removed between the write and this read: as if it had never been there.
  if (!found) throw new UaipError('not_found', 'This session is not shared with that user');
  return found;
}

/** A member as clients see it: the account's email and name when the storage knows it. */
export interface Member {
  userId: string;
  email: string | null;
  name: string | null;
  role: MemberRole;
  addedBy: string;
  createdAt: string;
  updatedAt: string;
}

/** An account as others see it: its email and name, when the storage knows the account. */
export interface AccountName {
  email: string | null;
  name: string | null;
}

/** Who can see a session: its owner, and the members it is shared with. */
export interface SessionMembers {
  ownerId: string;
  /** The owner's email and name, so members can tell who shared it. */
  owner: AccountName;
  members: Member[];
}

/** A row of the sessions shared with someone, with the owner's email and name. */
export type SharedSession = SharedSessionSummary & { owner: AccountName };

/** Sharing a session with other accounts. */
export interface Sharing {
  /**
   * Shares the principal's session with an account (by `email`) or a user id, as `viewer`
   * (reads the session, transcript, charter and events) or `editor` (may also answer and
   * revise), or changes the role of someone it is shared with. Owner only (`forbidden` for a
   * member); an unknown email is `not_found`; sharing with oneself is `validation_failed`.
   */
  share(principal: Principal, sessionId: string, input: ShareInput): Promise<Member>;
  /**
   * Changes the role of someone the session is shared with; never adds anyone (`not_found`
   * for a user who is not a member, even one who left a moment ago). Owner only.
   */
  changeRole(
    principal: Principal,
    sessionId: string,
    userId: string,
    role: MemberRole,
  ): Promise<Member>;
  /** The owner and members of a session the principal may read. */
  members(principal: Principal, sessionId: string): Promise<SessionMembers>;
  /** Ends a member's access: the owner may remove anyone, a member only themselves. */
  unshare(principal: Principal, sessionId: string, userId: string): Promise<void>;
  /** The sessions shared with the principal, newest first, a page at a time. */
  sharedWithMe(
    principal: Principal,
    input?: z.input<typeof listSessionsInput>,
  ): Promise<Page<SharedSession>>;
}

interface SharingDependencies {
  storage: Storage;
  now: () => number;
  publish: (event: SessionEvent) => Promise<void> | undefined;
}

export function createSharing({ storage, now, publish }: SharingDependencies): Sharing {
  const iso = () => new Date(now()).toISOString();

  async function toMember(record: MemberRecord): Promise<Member> {
    return { ...record, ...(await accountName(storage, record.userId)) };
  }

  async function announce(
    sessionId: string,
    version: number,
    userId: string,
    role: MemberRole | null,
  ) {
    await publish({ type: 'sharing.changed', sessionId, version, at: iso(), userId, role });
  }

  return {
    async share(principal, sessionId, input) {
      const { email, userId, role } = parseInput(shareInput, input);
      const session = await ownedSession(storage, principal, sessionId);
      let memberId = userId;
      if (email !== undefined) {
        const user = await storage.findUserByEmail(email);
        if (!user) throw new UaipError('not_found', 'No account has this email address');
        memberId = user.id;
      }
      if (memberId === principal.userId) {
        throw new UaipError('validation_failed', 'You own this session', {
          details: [
            { path: email === undefined ? 'userId' : 'email', message: 'You own this session' },
          ],
        });
      }
      const member = { userId: memberId!, role, addedBy: principal.userId, at: iso() };
      if (!(await storage.putMember(principal.userId, sessionId, member)))
        throw new UaipError('not_found', 'Session not found');
      await announce(sessionId, session.version, member.userId, role);
      return toMember(
        memberOf(await storage.listMembers(principal.userId, sessionId), member.userId),
      );
    },

    async changeRole(principal, sessionId, userId, role) {
      const { role: parsed } = parseInput(roleInput, { role });
      const session = await ownedSession(storage, principal, sessionId);
      const change = { userId, role: parsed, addedBy: principal.userId, at: iso() };
      if (
        userId === principal.userId ||
        !(await storage.putMember(principal.userId, sessionId, { ...change, onlyIfMember: true }))
      )
        throw new UaipError('not_found', 'This session is not shared with that user');
      await announce(sessionId, session.version, userId, parsed);
      return toMember(memberOf(await storage.listMembers(principal.userId, sessionId), userId));
    },

    async members(principal, sessionId) {
      const { access } = await loadFor(storage, principal, sessionId, 'read');
      const [records, owner] = await Promise.all([
        storage.listMembers(access.ownerId, sessionId),
        accountName(storage, access.ownerId),
      ]);
      return { ownerId: access.ownerId, owner, members: await Promise.all(records.map(toMember)) };
    },

    async unshare(principal, sessionId, userId) {
      const { session, access } = await loadFor(storage, principal, sessionId, 'read');
      if (access.role !== 'owner' && userId !== principal.userId) {
        await memberAccess(storage, principal, sessionId, 'own');
      }
      if (!(await storage.removeMember(access.ownerId, sessionId, userId)))
        throw new UaipError('not_found', 'This session is not shared with that user');
      await announce(sessionId, session.version, userId, null);
    },

    async sharedWithMe(principal, input = {}) {
      const page = parseInput(listSessionsInput, input);
      return withOwners(
        storage,
        await storage.listSharedSessions(principal.userId, {
          limit: page.limit,
          cursor: page.cursor ?? null,
        }),
      );
    },
  };
}

/** An account's email and name; nulls when the storage does not know it (host accounts). */
export async function accountName(storage: Storage, userId: string): Promise<AccountName> {
  const user = await storage.getUser(userId);
  return { email: user?.email ?? null, name: user?.name ?? null };
}

/** A page of rows with each owner's email and name, every owner looked up once. */
export async function withOwners<T extends { ownerId: string }>(
  storage: Storage,
  page: Page<T>,
): Promise<Page<T & { owner: AccountName }>> {
  const ids = [...new Set(page.items.map((item) => item.ownerId))];
  const names = new Map(
    await Promise.all(ids.map(async (id) => [id, await accountName(storage, id)] as const)),
  );
  return {
    ...page,
    items: page.items.map((item) => ({ ...item, owner: names.get(item.ownerId)! })),
  };
}
