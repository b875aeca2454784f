import { describe, expect, it } from 'vitest';
import type { SessionRecord } from '../storage/types';
import { createClaimed, type StorageUnderTest } from './storage-contract-fixtures';
import { at, makeCall, makeClaim, makeCommit, makeSession, newId } from './storage-records';

/** Another owner's session must behave exactly like a missing one, on every method. */
export function isolationCases(storage: StorageUnderTest): void {
  /** An owner's session with one committed turn, its usage, and a lease on the next question. */
  async function ownedSession(): Promise<{ session: SessionRecord; leaseId: string }> {
    const claimed = await createClaimed(storage());
    const commit = makeCommit(claimed.session, claimed.leaseId);
    const { ownerId, id } = claimed.session;
    expect(await storage().commitTurn(ownerId, id, commit)).toBe(true);
    const next = { ...claimed.session, version: 1, pending: commit.session.pending };
    const claim = makeClaim(next, { now: at(30), expiresAt: at(90) });
    expect(await storage().claimQuestion(ownerId, id, claim)).toBe('claimed');
    const session = await storage().getSession(ownerId, id);
    expect(session).not.toBeNull();
    return { session: session!, leaseId: claim.leaseId };
  }

  /** Everything the owner can see of a session, to compare before and after a stranger acts. */
  async function view(session: SessionRecord) {
    const { ownerId, id } = session;
    return {
      session: await storage().getSession(ownerId, id),
      turns: await storage().listTurns(ownerId, id),
      usage: await storage().listUsage(ownerId, id),
      spent: await storage().spentSince(ownerId, at(0)),
    };
  }

  describe('owner isolation', () => {
    it('hides a session from another owner in getSession and listSessions', async () => {
      const { session } = await ownedSession();
      const stranger = newId();
      expect(await storage().getSession(stranger, session.id)).toBeNull();
      expect(await storage().listSessions(stranger, { limit: 10 })).toEqual({
        items: [],
        nextCursor: null,
      });
      const own = await storage().listSessions(session.ownerId, { limit: 10 });
      expect(own.items.map((item) => item.id)).toEqual([session.id]);
    });

    it('does not let another owner delete a session', async () => {
      const { session } = await ownedSession();
      const before = await view(session);
      expect(await storage().deleteSession(newId(), session.id)).toBe(false);
      expect(await view(session)).toEqual(before);
    });

    it("says not_found to another owner's claim and leaves the question claimable", async () => {
      const session = makeSession();
      await storage().createSession(session);
      const claim = makeClaim(session);
      expect(await storage().claimQuestion(newId(), session.id, claim)).toBe('not_found');
      expect((await storage().getSession(session.ownerId, session.id))?.lease).toBeNull();
      const own = makeClaim(session);
      expect(await storage().claimQuestion(session.ownerId, session.id, own)).toBe('claimed');
    });

    it("ignores another owner's release of the lease", async () => {
      const { session, leaseId } = await ownedSession();
      await storage().releaseClaim(newId(), session.id, leaseId);
      expect((await storage().getSession(session.ownerId, session.id))?.lease).toEqual(
        session.lease,
      );
      const second = makeClaim(session, { now: at(31) });
      expect(await storage().claimQuestion(session.ownerId, session.id, second)).toBe('busy');
    });

    it("refuses another owner's commit and writes nothing", async () => {
      const { session, leaseId } = await ownedSession();
      const before = await view(session);
      const commit = makeCommit(session, leaseId, {
        idempotency: {
          key: newId(),
          requestHash: 'h',
          expiresAt: at(3600),
          response: { stolen: true },
        },
      });
      const stranger = newId();
      expect(await storage().commitTurn(stranger, session.id, commit)).toBe(false);
      expect(await view(session)).toEqual(before);
      const start = { requestHash: 'h', now: at(0), lockedUntil: at(30), expiresAt: at(3600) };
      const key = commit.idempotency!.key;
      expect(await storage().beginIdempotent(stranger, { key, ...start })).toEqual({
        status: 'started',
      });
      // The owner's own commit under the same lease still goes through.
      expect(await storage().commitTurn(session.ownerId, session.id, commit)).toBe(true);
    });

    it('shows another owner no turns and no usage', async () => {
      const { session } = await ownedSession();
      const stranger = newId();
      expect(await storage().listTurns(stranger, session.id)).toEqual([]);
      expect(await storage().listTurns(stranger, session.id, 'problem')).toEqual([]);
      expect(await storage().listUsage(stranger, session.id)).toEqual([]);
      expect(await storage().listTurns(session.ownerId, session.id)).toHaveLength(1);
      expect(await storage().listUsage(session.ownerId, session.id)).toHaveLength(1);
    });

    it("ignores another owner's recordUsage on the session", async () => {
      const { session } = await ownedSession();
      const before = await view(session);
      const stranger = newId();
      await storage().recordUsage(stranger, session.id, [makeCall(session.id, { costUsd: 4 })]);
      expect(await view(session)).toEqual(before);
      expect(await storage().spentSince(stranger, at(0))).toBe(0);
    });

    it("counts only the owner's own calls in spentSince", async () => {
      const { session: mine } = await ownedSession();
      const { session: theirs } = await ownedSession();
      await storage().recordUsage(theirs.ownerId, theirs.id, [makeCall(theirs.id, { costUsd: 2 })]);
      expect(await storage().spentSince(mine.ownerId, at(0))).toBeCloseTo(0.25, 9);
      expect(await storage().spentSince(theirs.ownerId, at(0))).toBeCloseTo(2.25, 9);
    });

    it('keeps the idempotency keys of different owners apart', async () => {
      const key = newId();
      const { session, leaseId } = await ownedSession();
      const owner = session.ownerId;
      const stranger = newId();
      const start = (requestHash: string) => ({
        key,
        requestHash,
        now: at(0),
        lockedUntil: at(30),
        expiresAt: at(3600),
      });
      expect(await storage().beginIdempotent(owner, start('mine'))).toEqual({ status: 'started' });
      expect(await storage().beginIdempotent(stranger, start('theirs'))).toEqual({
        status: 'started',
      });
      await storage().abandonIdempotent(stranger, key);
      expect(await storage().beginIdempotent(owner, start('mine'))).toEqual({
        status: 'in_flight',
      });

      const commit = makeCommit(session, leaseId, {
        idempotency: { key, requestHash: 'mine', expiresAt: at(3600), response: { ok: 1 } },
      });
      expect(await storage().commitTurn(owner, session.id, commit)).toBe(true);
      expect(await storage().beginIdempotent(stranger, start('theirs'))).toEqual({
        status: 'started',
      });
      expect(await storage().beginIdempotent(owner, start('mine'))).toEqual({
        status: 'completed',
        response: { ok: 1 },
      });
    });
  });
}
