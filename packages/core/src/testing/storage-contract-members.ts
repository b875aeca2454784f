import { describe, expect, it } from 'vitest';
import type {
  MemberPut,
  MemberRecord,
  MemberRole,
  SessionRecord,
  SharedSessionSummary,
} from '../storage/types';
import { expectUaipError, type StorageUnderTest } from './storage-contract-fixtures';
import { newestFirst, summary } from './storage-contract-sessions';
import { at, makeMember, makeSession, newId } from './storage-records';

/** What `listMembers` shows of a member first added with `put`. */
function memberRecord(put: MemberPut, overrides: Partial<MemberRecord> = {}): MemberRecord {
  const { userId, role, addedBy } = put;
  return { userId, role, addedBy, createdAt: put.at, updatedAt: put.at, ...overrides };
}

/** Sharing sessions: who may see a session, membership changed only by its owner. */
export function memberCases(storage: StorageUnderTest): void {
  async function created(overrides: Partial<SessionRecord> = {}): Promise<SessionRecord> {
    const session = makeSession(overrides);
    await storage().createSession(session);
    return session;
  }

  async function shared(session: SessionRecord, overrides: Partial<MemberPut> = {}) {
    const member = makeMember(session, overrides);
    expect(await storage().putMember(session.ownerId, session.id, member)).toBe(true);
    return member;
  }

  async function members(session: SessionRecord): Promise<MemberRecord[]> {
    return storage().listMembers(session.ownerId, session.id);
  }

  describe('sharing a session (members)', () => {
    it("tells the owner, a viewer and an editor their access; a stranger's is null", async () => {
      const session = await created();
      const viewer = await shared(session);
      const editor = await shared(session, { role: 'editor' });
      const { ownerId, id } = session;
      expect(await storage().accessOf(ownerId, id)).toEqual({ ownerId, role: 'owner' });
      expect(await storage().accessOf(viewer.userId, id)).toEqual({ ownerId, role: 'viewer' });
      expect(await storage().accessOf(editor.userId, id)).toEqual({ ownerId, role: 'editor' });
      expect(await storage().accessOf(newId(), id)).toBeNull();
      expect(await storage().accessOf(ownerId, newId())).toBeNull();
      expect(await storage().accessOf(viewer.userId, newId())).toBeNull();
    });

    it('lists members in the order first added, with who added them and when', async () => {
      const session = await created();
      const first = await shared(session, { at: at(5) });
      const second = await shared(session, { role: 'editor', at: at(6) });
      const third = await shared(session, { at: at(6) });
      expect(await members(session)).toEqual([
        memberRecord(first),
        memberRecord(second),
        memberRecord(third),
      ]);
    });

    it('changes a role in place: first added when and by whom kept, updatedAt moved', async () => {
      const session = await created();
      const first = await shared(session);
      const second = await shared(session);
      const change = { ...first, role: 'editor' as const, addedBy: newId(), at: at(9) };
      expect(await storage().putMember(session.ownerId, session.id, change)).toBe(true);
      expect(await members(session)).toEqual([
        memberRecord(first, { role: 'editor', updatedAt: at(9) }),
        memberRecord(second),
      ]);
      const { ownerId, id } = session;
      expect(await storage().accessOf(first.userId, id)).toEqual({ ownerId, role: 'editor' });
    });

    it('changes only an existing member when asked to, never adding one', async () => {
      const session = await created();
      const first = await shared(session);
      const { ownerId, id } = session;
      const change = { ...first, role: 'editor' as const, at: at(9), onlyIfMember: true };
      expect(await storage().putMember(ownerId, id, change)).toBe(true);
      const stranger = { ...change, userId: newId() };
      expect(await storage().putMember(ownerId, id, stranger)).toBe(false);
      expect(await storage().removeMember(ownerId, id, first.userId)).toBe(true);
      expect(await storage().putMember(ownerId, id, change)).toBe(false);
      expect(await members(session)).toEqual([]);
      expect(await storage().accessOf(first.userId, id)).toBeNull();
      expect(await storage().putMember(newId(), id, { ...change, userId: newId() })).toBe(false);
    });

    it('removes a member, whose access ends; re-added, they come last', async () => {
      const session = await created();
      const [first, second] = [await shared(session), await shared(session)];
      const { ownerId, id } = session;
      expect(await storage().removeMember(ownerId, id, first.userId)).toBe(true);
      expect(await storage().accessOf(first.userId, id)).toBeNull();
      expect(await members(session)).toEqual([memberRecord(second)]);
      expect(await storage().removeMember(ownerId, id, first.userId)).toBe(false);
      expect(await storage().removeMember(ownerId, id, newId())).toBe(false);
      const again = { ...first, at: at(30) };
      expect(await storage().putMember(ownerId, id, again)).toBe(true);
      expect(await members(session)).toEqual([memberRecord(second), memberRecord(again)]);
    });

    it('refuses the owner as a member of their own session with validation_failed', async () => {
      const session = await created();
      const { ownerId, id } = session;
      await expectUaipError(
        storage().putMember(ownerId, id, makeMember(session, { userId: ownerId })),
        'validation_failed',
      );
      const admin = makeMember(session, { role: 'admin' as MemberRole });
      await expectUaipError(storage().putMember(ownerId, id, admin), 'validation_failed');
      expect(await members(session)).toEqual([]);
      expect(await storage().accessOf(ownerId, id)).toEqual({ ownerId, role: 'owner' });
      expect(await storage().accessOf(admin.userId, id)).toBeNull();
    });

    it('says false, sharing nothing, for a missing session or another owner', async () => {
      const session = await created();
      const viewer = await shared(session);
      const editor = await shared(session, { role: 'editor' });
      const before = await members(session);
      const outsider = makeMember(session, { role: 'editor' });
      // A stranger, and members acting as owners: only the owner's id changes membership.
      for (const actor of [newId(), viewer.userId, editor.userId]) {
        const put = { ...outsider, addedBy: actor };
        expect(await storage().putMember(actor, session.id, put)).toBe(false);
        const swaps = [
          { ...viewer, role: 'editor' as const, addedBy: actor },
          { ...editor, role: 'viewer' as const, addedBy: actor },
        ];
        for (const swap of swaps.filter((member) => member.userId !== actor)) {
          expect(await storage().putMember(actor, session.id, swap)).toBe(false);
        }
        for (const userId of [viewer.userId, editor.userId]) {
          expect(await storage().removeMember(actor, session.id, userId)).toBe(false);
        }
        expect(await storage().listMembers(actor, session.id)).toEqual([]);
      }
      expect(await storage().putMember(session.ownerId, newId(), outsider)).toBe(false);
      expect(await members(session)).toEqual(before);
      expect(await storage().accessOf(outsider.userId, session.id)).toBeNull();
      expect(await storage().listMembers(session.ownerId, newId())).toEqual([]);
    });

    it("gives a member nothing through the owner's methods", async () => {
      const session = await created();
      const editor = await shared(session, { role: 'editor' });
      expect(await storage().getSession(editor.userId, session.id)).toBeNull();
      expect(await storage().listSessions(editor.userId, { limit: 10 })).toEqual({
        items: [],
        nextCursor: null,
      });
      expect(await storage().deleteSession(editor.userId, session.id)).toBe(false);
      expect(await storage().getSession(session.ownerId, session.id)).toEqual(session);
    });

    it('hands out copies of members', async () => {
      const session = await created();
      const member = await shared(session);
      const read = await members(session);
      read[0]!.role = 'editor';
      read.push(memberRecord(makeMember(session)));
      expect(await members(session)).toEqual([memberRecord(member)]);
    });

    it("ends every member's access with the session", async () => {
      const session = await created();
      const viewer = await shared(session);
      const { ownerId, id } = session;
      expect(await storage().deleteSession(ownerId, id)).toBe(true);
      expect(await storage().accessOf(viewer.userId, id)).toBeNull();
      expect(await storage().listMembers(ownerId, id)).toEqual([]);
      expect(await storage().listSharedSessions(viewer.userId, { limit: 10 })).toEqual({
        items: [],
        nextCursor: null,
      });
      // A new session under the same id is shared with nobody.
      await storage().createSession(session);
      expect(await storage().accessOf(viewer.userId, id)).toBeNull();
      expect(await storage().listMembers(ownerId, id)).toEqual([]);
    });
  });

  describe('listing the sessions shared with a user', () => {
    const row = (session: SessionRecord, role: MemberRole, outcome: string | null = null) =>
      ({
        ...summary(session, outcome),
        ownerId: session.ownerId,
        role,
      }) satisfies SharedSessionSummary;

    /** Sessions of two owners shared with `userId`, newest first, and some that are not. */
    async function sharedWith(userId: string, createdAts: string[]) {
      const owners = [newId(), newId()];
      const sessions: { session: SessionRecord; role: MemberRole }[] = [];
      for (const [index, createdAt] of createdAts.entries()) {
        const ownerId = owners[index % 2]!;
        const session = await created({ ownerId, createdAt, updatedAt: createdAt });
        const role = index % 3 === 0 ? 'editor' : 'viewer';
        await shared(session, { userId, role });
        await shared(session);
        sessions.push({ session, role });
        await created({ ownerId, createdAt });
      }
      sessions.sort((a, b) => newestFirst(a.session, b.session));
      return sessions.map(({ session, role }) => row(session, role));
    }

    it('lists them newest first, each with its owner and the role, and only them', async () => {
      const userId = newId();
      const expected = await sharedWith(userId, [at(10), at(30), at(20)]);
      // The user's own session is not shared with them.
      await created({ ownerId: userId, createdAt: at(40) });
      const page = await storage().listSharedSessions(userId, { limit: 10 });
      expect(page).toEqual({ items: expected, nextCursor: null });
      expect(page.items.map((item) => item.createdAt)).toEqual([at(30), at(20), at(10)]);
    });

    it('pages through them without gaps or duplicates, ties by larger id', async () => {
      const userId = newId();
      const expected = await sharedWith(userId, [at(20), at(50), at(25), at(10), at(25)]);
      const seen: SharedSessionSummary[] = [];
      const cursors: (string | null)[] = [];
      let cursor: string | null = null;
      do {
        const page = await storage().listSharedSessions(userId, { limit: 2, cursor });
        seen.push(...page.items);
        cursors.push(page.nextCursor);
        cursor = page.nextCursor;
      } while (cursor !== null && cursors.length < 10);
      expect(seen).toEqual(expected);
      expect(cursors.map((next) => next === null)).toEqual([false, false, true]);
      const exact = await storage().listSharedSessions(userId, { limit: 5 });
      expect(exact).toEqual({ items: expected, nextCursor: null });
    });

    it('shows the current role and outcome, and forgets an unshared session', async () => {
      const session = await created({
        status: 'completed',
        currentStageId: null,
        pending: null,
        result: { outcome: 'Proceed' },
      });
      const member = await shared(session);
      const other = await created({ createdAt: at(-5) });
      await shared(other, { userId: member.userId });
      const change = { ...member, role: 'editor' as const, at: at(9) };
      expect(await storage().putMember(session.ownerId, session.id, change)).toBe(true);
      const list = () => storage().listSharedSessions(member.userId, { limit: 10 });
      expect((await list()).items).toEqual([
        row(session, 'editor', 'Proceed'),
        row(other, 'viewer'),
      ]);
      expect(await storage().removeMember(session.ownerId, session.id, member.userId)).toBe(true);
      expect((await list()).items).toEqual([row(other, 'viewer')]);
    });

    it('continues after a cursor whose session was unshared meanwhile', async () => {
      const userId = newId();
      const expected = await sharedWith(userId, [at(1), at(2), at(3), at(4), at(5)]);
      const first = await storage().listSharedSessions(userId, { limit: 2 });
      const gone = expected[1]!;
      expect(await storage().removeMember(gone.ownerId, gone.id, userId)).toBe(true);
      const cursor = first.nextCursor;
      const second = await storage().listSharedSessions(userId, { limit: 2, cursor });
      expect(second.items).toEqual(expected.slice(2, 4));
    });

    it('lists nothing for a user nothing is shared with', async () => {
      expect(await storage().listSharedSessions(newId(), { limit: 5 })).toEqual({
        items: [],
        nextCursor: null,
      });
    });

    it('rejects a limit outside 1 to 100 and a garbled cursor with validation_failed', async () => {
      const userId = newId();
      await sharedWith(userId, [at(1)]);
      for (const limit of [0, 101, 1.5]) {
        await expectUaipError(storage().listSharedSessions(userId, { limit }), 'validation_failed');
      }
      for (const cursor of ['garbled!', 'bm9wZQ']) {
        await expectUaipError(
          storage().listSharedSessions(userId, { limit: 2, cursor }),
          'validation_failed',
        );
      }
    });
  });
}
