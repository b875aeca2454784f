import { describe, expect, it } from 'vitest';
import type { RevisionClaim, SessionRecord, TurnCommit } from '../storage/types';
import { createClaimed, type StorageUnderTest } from './storage-contract-fixtures';
import {
  at,
  makeClaim,
  makeCommit,
  makeHistory,
  makeQuestion,
  makeRevision,
  makeSession,
  makeStage,
  newId,
} from './storage-records';

/** Revisions of an earlier answer: their claim, and what their commits keep. */
export function revisionCases(storage: StorageUnderTest): void {
  async function created(overrides: Partial<SessionRecord> = {}): Promise<SessionRecord> {
    const session = makeSession(overrides);
    await storage().createSession(session);
    return session;
  }

  async function stored(session: SessionRecord): Promise<SessionRecord | null> {
    return storage().getSession(session.ownerId, session.id);
  }

  /** A session's claim for a revision at its version, held for a minute from `at(0)`. */
  function revisionClaim(session: SessionRecord, overrides: Partial<RevisionClaim> = {}) {
    const { questionId: _questionId, ...claim } = makeClaim(session, overrides);
    return claim;
  }

  /** A completed session (no question pending) claimed for a revision. */
  async function claimedForRevision(): Promise<{ session: SessionRecord; leaseId: string }> {
    const session = await created({ status: 'completed', currentStageId: null, pending: null });
    const claim = revisionClaim(session);
    expect(await storage().claimRevision(session.ownerId, session.id, claim)).toBe('claimed');
    return { session, leaseId: claim.leaseId };
  }

  describe('claiming a session for a revision (claimRevision)', () => {
    it('claims an active and a completed session at their version, recording the lease', async () => {
      const active = await created({ version: 3 });
      const done = await created({ status: 'completed', currentStageId: null, pending: null });
      for (const session of [active, done]) {
        const claim = revisionClaim(session);
        expect(await storage().claimRevision(session.ownerId, session.id, claim)).toBe('claimed');
        expect(await stored(session)).toEqual({
          ...session,
          lease: { id: claim.leaseId, expiresAt: at(60) },
        });
      }
      // The lease is the session's: the pending question cannot be claimed meanwhile.
      const question = makeClaim(active, { now: at(30), expiresAt: at(90) });
      expect(await storage().claimQuestion(active.ownerId, active.id, question)).toBe('busy');
    });

    it('says stale at another version, taking nothing', async () => {
      const session = await created({ version: 2 });
      for (const version of [1, 3]) {
        const claim = revisionClaim(session, { version });
        expect(await storage().claimRevision(session.ownerId, session.id, claim)).toBe('stale');
      }
      expect((await stored(session))?.lease).toBeNull();
    });

    it('says busy under an unexpired lease, and claims once it expired', async () => {
      const { session, leaseId } = await createClaimed(storage());
      const { ownerId, id } = session;
      const during = revisionClaim(session, { now: at(30), expiresAt: at(90) });
      expect(await storage().claimRevision(ownerId, id, during)).toBe('busy');
      expect((await stored(session))?.lease).toEqual({ id: leaseId, expiresAt: at(60) });
      // A lease ends at its expiry time.
      const after = revisionClaim(session, { now: at(60), expiresAt: at(120) });
      expect(await storage().claimRevision(ownerId, id, after)).toBe('claimed');
      expect((await stored(session))?.lease).toEqual({ id: after.leaseId, expiresAt: at(120) });
    });

    it("says not_found for a missing session or another owner's, taking nothing", async () => {
      const session = await created();
      expect(await storage().claimRevision(session.ownerId, newId(), revisionClaim(session))).toBe(
        'not_found',
      );
      expect(await storage().claimRevision(newId(), session.id, revisionClaim(session))).toBe(
        'not_found',
      );
      expect((await stored(session))?.lease).toBeNull();
    });

    it('lets exactly one of five concurrent claims through', async () => {
      const session = await created({ status: 'completed', currentStageId: null, pending: null });
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          storage().claimRevision(session.ownerId, session.id, revisionClaim(session)),
        ),
      );
      expect(results.sort()).toEqual(['busy', 'busy', 'busy', 'busy', 'claimed']);
    });

    it("commits a revision fenced by its claim's lease, clearing the lease", async () => {
      const { session, leaseId } = await claimedForRevision();
      const { ownerId, id } = session;
      const revision = makeRevision(session, newId());
      const followUp = makeQuestion({ kind: 'follow_up', revisesTurnId: revision.turnId });
      const commit = revisionCommit(session, leaseId, {
        status: 'active',
        currentStageId: 'problem',
        pending: followUp,
        revision,
      });
      expect(await storage().commitTurn(ownerId, id, makeCommit(session, newId()))).toBe(false);
      expect(await storage().commitTurn(ownerId, id, commit)).toBe(true);
      expect(await stored(session)).toMatchObject({
        status: 'active',
        pending: followUp,
        revision,
        version: 1,
        lease: null,
        usage: { calls: 1 },
      });
      expect(await storage().listTurns(ownerId, id)).toEqual([commit.turn]);
      // The lease went with the commit: the revision can be claimed again at the new version.
      const next = revisionClaim({ ...session, version: 1 }, { now: at(21) });
      expect(await storage().claimRevision(ownerId, id, next)).toBe('claimed');
    });
  });

  describe('revisions in the session and the transcript', () => {
    it('keeps the revision under way through commits, and clears it with null', async () => {
      const revision = makeRevision(makeSession(), newId(), { gapsAsked: ['data'] });
      const { session, leaseId } = await createClaimed(storage(), { revision });
      const { ownerId, id } = session;
      expect((await stored(session))?.revision).toEqual(revision);

      const changed = { ...revision, stale: [], resume: null, resumeStageId: null };
      const first = makeCommit(session, leaseId);
      first.session.revision = changed;
      expect(await storage().commitTurn(ownerId, id, first)).toBe(true);
      expect((await stored(session))?.revision).toEqual(changed);

      const next = { ...session, version: 1, pending: first.session.pending };
      const claim = makeClaim(next, { now: at(30), expiresAt: at(90) });
      expect(await storage().claimQuestion(ownerId, id, claim)).toBe('claimed');
      const ended = makeCommit(next, claim.leaseId);
      expect(ended.session.revision).toBeNull();
      expect(await storage().commitTurn(ownerId, id, ended)).toBe(true);
      expect((await stored(session))?.revision).toBeNull();
    });

    it('stores the turn an answer revises, the question that revises it and a stale stage', async () => {
      const { session, leaseId } = await claimedForRevision();
      const { ownerId, id } = session;
      const revisesTurnId = newId();
      const pending = makeQuestion({ kind: 'gap', topicId: null, revisesTurnId });
      const stale = makeStage({
        stageId: 'data',
        status: 'stale',
        artifact: { sources: ['billing'] },
        gate: { passed: true, missing: [] },
        completedAt: at(5),
      });
      const commit = revisionCommit(session, leaseId, { pending, status: 'active' });
      commit.stages = [stale];
      commit.turn = { ...commit.turn, revisesTurnId };
      expect(await storage().commitTurn(ownerId, id, commit)).toBe(true);
      expect(await storage().listTurns(ownerId, id)).toEqual([commit.turn]);
      const after = await stored(session);
      expect(after?.pending).toEqual(pending);
      expect(after?.stages).toEqual([session.stages[0], stale]);
    });
  });

  describe('history (TurnCommit.history, listHistory)', () => {
    it('appends the rows of each commit in commit order, every field as it went in', async () => {
      const { session, leaseId } = await claimedForRevision();
      const { ownerId, id } = session;
      const revisionId = newId();
      const first = [
        makeHistory(session, { revisionId }),
        makeHistory(session, {
          kind: 'result',
          stageId: null,
          value: { outcome: 'proceed', scores: [7.5, 8], note: 'ключ 🙂' },
          gate: null,
          revisionId,
          actorId: newId(),
          createdAt: at(21),
        }),
      ];
      const commit = revisionCommit(session, leaseId);
      commit.history = first;
      expect(await storage().commitTurn(ownerId, id, commit)).toBe(true);

      const next = { ...session, version: 1 };
      const claim = revisionClaim(next, { now: at(30), expiresAt: at(90) });
      expect(await storage().claimRevision(ownerId, id, claim)).toBe('claimed');
      const second = [
        makeHistory(next, { kind: 'report', stageId: null, value: '# Charter', gate: null }),
        makeHistory(next, { stageId: 'data', gate: { passed: false, missing: ['owner'] } }),
      ];
      const later = revisionCommit(next, claim.leaseId);
      later.history = second;
      expect(await storage().commitTurn(ownerId, id, later)).toBe(true);

      expect(await storage().listHistory(ownerId, id)).toEqual([...first, ...second]);
    });

    it('writes no history for a commit without any, or one refused (version or lease)', async () => {
      const { session, leaseId } = await createClaimed(storage());
      const { ownerId, id } = session;
      const refused = [
        makeCommit({ ...session, version: 1 }, leaseId, { history: [makeHistory(session)] }),
        makeCommit(session, newId(), { history: [makeHistory(session)] }),
      ];
      for (const commit of refused) {
        expect(await storage().commitTurn(ownerId, id, commit)).toBe(false);
      }
      expect(await storage().listHistory(ownerId, id)).toEqual([]);
      expect(await storage().commitTurn(ownerId, id, makeCommit(session, leaseId))).toBe(true);
      expect(await storage().listHistory(ownerId, id)).toEqual([]);
    });

    it("lists none for a missing session or another owner's; deleting the session removes it", async () => {
      const { session, leaseId } = await createClaimed(storage());
      const { ownerId, id } = session;
      const history = [makeHistory(session)];
      const commit = makeCommit(session, leaseId, { history });
      expect(await storage().commitTurn(ownerId, id, commit)).toBe(true);
      expect(await storage().listHistory(ownerId, id)).toEqual(history);
      expect(await storage().listHistory(newId(), id)).toEqual([]);
      expect(await storage().listHistory(ownerId, newId())).toEqual([]);

      expect(await storage().deleteSession(ownerId, id)).toBe(true);
      expect(await storage().listHistory(ownerId, id)).toEqual([]);
      // A new session that reuses the id starts without history.
      await storage().createSession(makeSession({ id, ownerId }));
      expect(await storage().listHistory(ownerId, id)).toEqual([]);
    });

    it('hands out copies of history', async () => {
      const { session, leaseId } = await createClaimed(storage());
      const history = [makeHistory(session)];
      const commit = makeCommit(session, leaseId, { history });
      expect(await storage().commitTurn(session.ownerId, session.id, commit)).toBe(true);
      const [read] = await storage().listHistory(session.ownerId, session.id);
      (read!.value as { statement: string }).statement = 'tampered';
      read!.gate!.missing.push('tampered');
      expect(await storage().listHistory(session.ownerId, session.id)).toEqual(history);
    });
  });
}

/**
 * A revision's commit of `session` under `leaseId`: its answer revises an accepted turn, and
 * the session goes back to being completed unless `session` says otherwise.
 */
function revisionCommit(
  session: SessionRecord,
  leaseId: string,
  update: Partial<TurnCommit['session']> = {},
): TurnCommit {
  const commit = makeCommit(session, leaseId);
  commit.turn = { ...commit.turn, revisesTurnId: newId() };
  commit.session = {
    ...commit.session,
    status: 'completed',
    currentStageId: null,
    pending: null,
    ...update,
  };
  return commit;
}
