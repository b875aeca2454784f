import { describe, expect, it } from 'vitest';
import type { SessionRecord, TurnRecord } from '../storage/types';
import { createClaimed, type StorageUnderTest } from './storage-contract-fixtures';
import {
  at,
  makeCall,
  makeClaim,
  makeCommit,
  makeQuestion,
  makeSession,
  makeStage,
  newId,
} from './storage-records';

export function turnCases(storage: StorageUnderTest): void {
  async function created(overrides: Partial<SessionRecord> = {}): Promise<SessionRecord> {
    const session = makeSession(overrides);
    await storage().createSession(session);
    return session;
  }

  async function stored(session: SessionRecord): Promise<SessionRecord | null> {
    return storage().getSession(session.ownerId, session.id);
  }

  describe('claiming the pending question with its session (claimSession, optional)', () => {
    // A storage without claimSession skips these: turns then read, then claim.
    const claimSession = (skip: () => void) => {
      const method = storage().claimSession?.bind(storage());
      if (!method) skip();
      return method!;
    };
    const withoutVersion = (session: SessionRecord, overrides = {}) => {
      const { version: _version, ...claim } = makeClaim(session, overrides);
      return claim;
    };

    it('claims the question whatever the version, and returns the session it claimed', async (context) => {
      const claimWith = claimSession(() => context.skip());
      const session = await created({ version: 7 });
      const claim = withoutVersion(session);
      const { result, session: claimed } = await claimWith(session.ownerId, session.id, claim);
      expect(result).toBe('claimed');
      expect(claimed).toMatchObject({
        id: session.id,
        version: 7,
        pending: session.pending,
        stages: session.stages,
        usage: session.usage,
      });
      expect((await stored(session))?.lease).toEqual({ id: claim.leaseId, expiresAt: at(60) });
      // The lease holds against the next claim until it expires.
      const second = withoutVersion(session, { now: at(30), expiresAt: at(90) });
      expect((await claimWith(session.ownerId, session.id, second)).result).toBe('busy');
      const late = withoutVersion(session, { now: at(61), expiresAt: at(121) });
      expect((await claimWith(session.ownerId, session.id, late)).result).toBe('claimed');
    });

    it('says stale with the session as it is for another question or a completed session', async (context) => {
      const claimWith = claimSession(() => context.skip());
      const session = await created();
      const other = withoutVersion(session, { questionId: newId() });
      const refused = await claimWith(session.ownerId, session.id, other);
      expect(refused.result).toBe('stale');
      expect(refused.session?.pending).toEqual(session.pending);
      expect((await stored(session))?.lease).toBeNull();

      const done = await created({ status: 'completed', currentStageId: null });
      const late = await claimWith(done.ownerId, done.id, withoutVersion(done));
      expect(late.result).toBe('stale');
      expect(late.session?.status).toBe('completed');
    });

    it("says not_found, with no session, for a missing session or another owner's", async (context) => {
      const claimWith = claimSession(() => context.skip());
      const session = await created();
      const missing = await claimWith(session.ownerId, newId(), withoutVersion(session));
      expect(missing).toEqual({ result: 'not_found', session: null });
      const intruder = await claimWith(newId(), session.id, withoutVersion(session));
      expect(intruder).toEqual({ result: 'not_found', session: null });
      expect((await stored(session))?.lease).toBeNull();
    });

    it('lets exactly one of ten concurrent claims through', async (context) => {
      const claimWith = claimSession(() => context.skip());
      const session = await created();
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          claimWith(session.ownerId, session.id, withoutVersion(session)),
        ),
      );
      expect(results.filter(({ result }) => result === 'claimed')).toHaveLength(1);
      expect(results.filter(({ result }) => result === 'busy')).toHaveLength(9);
    });
  });

  describe('claiming the pending question', () => {
    it('claims the question and records the lease', async () => {
      const session = await created();
      const claim = makeClaim(session);
      expect(await storage().claimQuestion(session.ownerId, session.id, claim)).toBe('claimed');
      expect((await stored(session))?.lease).toEqual({ id: claim.leaseId, expiresAt: at(60) });
    });

    it('says busy while another unexpired lease is held', async () => {
      const { session, leaseId } = await createClaimed(storage());
      const second = makeClaim(session, { now: at(30), expiresAt: at(90) });
      expect(await storage().claimQuestion(session.ownerId, session.id, second)).toBe('busy');
      expect((await stored(session))?.lease).toEqual({ id: leaseId, expiresAt: at(60) });
    });

    it('lets a new claim take over an expired lease', async () => {
      const { session } = await createClaimed(storage());
      const late = makeClaim(session, { now: at(61), expiresAt: at(121) });
      expect(await storage().claimQuestion(session.ownerId, session.id, late)).toBe('claimed');
      expect((await stored(session))?.lease).toEqual({ id: late.leaseId, expiresAt: at(121) });
    });

    it('says stale for another version or another question', async () => {
      const session = await created({ version: 2 });
      const { ownerId, id } = session;
      const older = makeClaim(session, { version: 1 });
      expect(await storage().claimQuestion(ownerId, id, older)).toBe('stale');
      const other = makeClaim(session, { questionId: newId() });
      expect(await storage().claimQuestion(ownerId, id, other)).toBe('stale');
      expect((await stored(session))?.lease).toBeNull();
    });

    it('says stale once the session is completed', async () => {
      const question = makeQuestion();
      const session = await created({
        status: 'completed',
        pending: question,
        currentStageId: null,
      });
      const claim = makeClaim(session);
      expect(await storage().claimQuestion(session.ownerId, session.id, claim)).toBe('stale');
    });

    it('says not_found for a session that does not exist', async () => {
      const claim = makeClaim(makeSession());
      expect(await storage().claimQuestion(newId(), newId(), claim)).toBe('not_found');
    });

    it('lets the question be claimed again at once after the lease is released', async () => {
      const { session, leaseId } = await createClaimed(storage());
      await storage().releaseClaim(session.ownerId, session.id, leaseId);
      expect((await stored(session))?.lease).toBeNull();
      const again = makeClaim(session, { now: at(1) });
      expect(await storage().claimQuestion(session.ownerId, session.id, again)).toBe('claimed');
    });

    it('keeps the lease when released with another lease id', async () => {
      const { session, leaseId } = await createClaimed(storage());
      await storage().releaseClaim(session.ownerId, session.id, newId());
      expect((await stored(session))?.lease).toEqual({ id: leaseId, expiresAt: at(60) });
      const second = makeClaim(session, { now: at(1) });
      expect(await storage().claimQuestion(session.ownerId, session.id, second)).toBe('busy');
    });

    it('renews a held lease (the heartbeat): a claim after its first end is still busy', async () => {
      const { session, leaseId } = await createClaimed(storage());
      const renewal = { leaseId, expiresAt: at(120) };
      expect(await storage().renewClaim(session.ownerId, session.id, renewal)).toBe(true);
      expect((await stored(session))?.lease).toEqual({ id: leaseId, expiresAt: at(120) });
      const during = makeClaim(session, { now: at(61), expiresAt: at(121) });
      expect(await storage().claimQuestion(session.ownerId, session.id, during)).toBe('busy');
      const after = makeClaim(session, { now: at(121), expiresAt: at(181) });
      expect(await storage().claimQuestion(session.ownerId, session.id, after)).toBe('claimed');
    });

    it('refuses to renew a lease that is not held (taken over, released, another owner)', async () => {
      const { session, leaseId } = await createClaimed(storage());
      const { ownerId, id } = session;
      const renewal = { leaseId, expiresAt: at(120) };
      expect(await storage().renewClaim(newId(), id, renewal)).toBe(false);
      expect(
        await storage().renewClaim(ownerId, id, { leaseId: newId(), expiresAt: at(120) }),
      ).toBe(false);
      const late = makeClaim(session, { now: at(61), expiresAt: at(121) });
      expect(await storage().claimQuestion(ownerId, id, late)).toBe('claimed');
      expect(await storage().renewClaim(ownerId, id, renewal)).toBe(false);
      expect((await stored(session))?.lease).toEqual({ id: late.leaseId, expiresAt: at(121) });
      await storage().releaseClaim(ownerId, id, late.leaseId);
      expect(await storage().renewClaim(ownerId, id, { ...renewal, leaseId: late.leaseId })).toBe(
        false,
      );
    });

    it('gives the question to exactly one of two concurrent claims', async () => {
      const session = await created();
      const results = await Promise.all([
        storage().claimQuestion(session.ownerId, session.id, makeClaim(session)),
        storage().claimQuestion(session.ownerId, session.id, makeClaim(session)),
      ]);
      expect(results.sort()).toEqual(['busy', 'claimed']);
    });
  });

  describe('committing a turn', () => {
    it('applies the new state, bumps the version, clears the lease, replaces changed stages', async () => {
      const { session, leaseId } = await createClaimed(storage());
      const next = makeQuestion({ stageId: 'data', topicId: 'sources' });
      const problem = makeStage({
        stageId: 'problem',
        status: 'completed',
        artifact: { statement: 'Reduce churn by 10%' },
        gate: { passed: true, missing: [] },
        completedAt: at(20),
      });
      const data = makeStage({ stageId: 'data', status: 'active' });
      const commit = makeCommit(session, leaseId, {
        session: {
          status: 'active',
          currentStageId: 'data',
          pending: next,
          result: null,
          revision: null,
          updatedAt: at(20),
        },
        stages: [problem, data],
      });
      expect(await storage().commitTurn(session.ownerId, session.id, commit)).toBe(true);
      expect(await stored(session)).toEqual({
        ...session,
        currentStageId: 'data',
        pending: next,
        stages: [problem, data],
        usage: {
          calls: 1,
          inputTokens: 100,
          outputTokens: 20,
          cacheReadTokens: 5,
          cacheWriteTokens: 3,
          costUsd: 0.25,
          unpricedCalls: 0,
        },
        version: 1,
        lease: null,
        updatedAt: at(20),
      });

      // The next question can be claimed at the new version.
      const claim = makeClaim({ ...session, version: 1, pending: next }, { now: at(21) });
      expect(await storage().claimQuestion(session.ownerId, session.id, claim)).toBe('claimed');
    });

    it('replaces only the stages it names and can complete the session', async () => {
      const { session, leaseId } = await createClaimed(storage());
      const problem = makeStage({ stageId: 'problem', status: 'completed', completedAt: at(20) });
      const result = { charter: { title: 'Churn', sections: ['problem', 'data'] } };
      const commit = makeCommit(session, leaseId, {
        session: {
          status: 'completed',
          currentStageId: null,
          pending: null,
          result,
          revision: null,
          updatedAt: at(20),
        },
        stages: [problem],
      });
      expect(await storage().commitTurn(session.ownerId, session.id, commit)).toBe(true);
      const after = await stored(session);
      expect(after?.stages).toEqual([problem, session.stages[1]]);
      expect(after).toMatchObject({ status: 'completed', pending: null, result, version: 1 });
    });

    it('appends each turn to the transcript, oldest first, filtered by stage', async () => {
      let { session, leaseId } = await createClaimed(storage());
      const { ownerId, id } = session;
      const turns: TurnRecord[] = [];
      for (const [index, stageId] of ['problem', 'problem', 'data'].entries()) {
        const commit = makeCommit(session, leaseId);
        commit.turn = {
          ...commit.turn,
          stageId,
          answer: `answer ${index}`,
          createdAt: at(10 + index),
        };
        turns.push(commit.turn);
        expect(await storage().commitTurn(ownerId, id, commit)).toBe(true);
        session = { ...session, version: session.version + 1, pending: commit.session.pending };
        const claim = makeClaim(session, { now: at(30 + index), expiresAt: at(90 + index) });
        expect(await storage().claimQuestion(ownerId, id, claim)).toBe('claimed');
        leaseId = claim.leaseId;
      }
      expect(await storage().listTurns(ownerId, id)).toEqual(turns);
      expect(await storage().listTurns(ownerId, id, 'problem')).toEqual(turns.slice(0, 2));
      expect(await storage().listTurns(ownerId, id, 'data')).toEqual(turns.slice(2));
      expect(await storage().listTurns(ownerId, id, 'ethics')).toEqual([]);
      expect((await stored(session))?.version).toBe(3);
    });

    it('hands out copies of turns', async () => {
      const { session, leaseId } = await createClaimed(storage());
      const commit = makeCommit(session, leaseId);
      await storage().commitTurn(session.ownerId, session.id, commit);
      const [turn] = await storage().listTurns(session.ownerId, session.id);
      turn!.answer = 'tampered';
      turn!.issues.push('tampered');
      expect(await storage().listTurns(session.ownerId, session.id)).toEqual([commit.turn]);
    });

    it('writes nothing for another expected version, another lease or no lease', async () => {
      const { session, leaseId } = await createClaimed(storage());
      const unclaimed = makeSession();
      await storage().createSession(unclaimed);
      const attempts: [SessionRecord, ReturnType<typeof makeCommit>][] = [
        [session, makeCommit({ ...session, version: 1 }, leaseId)],
        [session, makeCommit(session, newId())],
        [unclaimed, makeCommit(unclaimed, newId())],
      ];
      for (const [target, commit] of attempts) {
        expect(await storage().commitTurn(target.ownerId, target.id, commit)).toBe(false);
        expect(await stored(target)).toEqual(target);
        expect(await storage().listTurns(target.ownerId, target.id)).toEqual([]);
        expect(await storage().listUsage(target.ownerId, target.id)).toEqual([]);
      }
    });

    it('refuses a second commit at the same version', async () => {
      const { session, leaseId } = await createClaimed(storage());
      const first = makeCommit(session, leaseId);
      expect(await storage().commitTurn(session.ownerId, session.id, first)).toBe(true);
      const replay = makeCommit(session, leaseId);
      expect(await storage().commitTurn(session.ownerId, session.id, replay)).toBe(false);
      expect(await storage().listTurns(session.ownerId, session.id)).toEqual([first.turn]);
      expect((await stored(session))?.version).toBe(1);
    });

    it('lets exactly one of two concurrent commits win', async () => {
      const { session, leaseId } = await createClaimed(storage());
      const results = await Promise.all([
        storage().commitTurn(session.ownerId, session.id, makeCommit(session, leaseId)),
        storage().commitTurn(session.ownerId, session.id, makeCommit(session, leaseId)),
      ]);
      expect(results.sort()).toEqual([false, true]);
      expect(await storage().listTurns(session.ownerId, session.id)).toHaveLength(1);
      expect(await storage().listUsage(session.ownerId, session.id)).toHaveLength(1);
      expect((await stored(session))?.usage.calls).toBe(1);
    });
  });

  describe('usage', () => {
    it('adds committed and recorded calls to the ledger and the totals, unpriced apart', async () => {
      const { session, leaseId } = await createClaimed(storage());
      const { ownerId, id } = session;
      const scoring = makeCall(id, { createdAt: at(10) });
      const local = makeCall(id, {
        purpose: 'extraction',
        provider: 'ollama',
        model: 'llama3',
        tier: 'balanced',
        inputTokens: 400,
        outputTokens: 80,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        costUsd: null,
        createdAt: at(11),
      });
      const commit = makeCommit(session, leaseId, { calls: [scoring, local] });
      expect(await storage().commitTurn(ownerId, id, commit)).toBe(true);

      const failed = makeCall(id, {
        outcome: 'error',
        errorKind: 'timeout',
        outputTokens: 0,
        costUsd: 0.125,
        createdAt: at(40),
      });
      await storage().recordUsage(ownerId, id, [failed]);

      expect(await storage().listUsage(ownerId, id)).toEqual([scoring, local, failed]);
      const after = await stored(session);
      expect(after?.version).toBe(1);
      expect(after?.usage).toEqual({
        calls: 3,
        inputTokens: 600,
        outputTokens: 100,
        cacheReadTokens: 10,
        cacheWriteTokens: 6,
        costUsd: 0.375,
        unpricedCalls: 1,
      });
    });

    it('records usage without touching the version or the lease', async () => {
      const { session, leaseId } = await createClaimed(storage());
      await storage().recordUsage(session.ownerId, session.id, [makeCall(session.id)]);
      const after = await stored(session);
      expect(after).toMatchObject({ version: 0, lease: { id: leaseId, expiresAt: at(60) } });
      expect(after?.usage).toMatchObject({ calls: 1, costUsd: 0.25, unpricedCalls: 0 });
      // The fenced commit still goes through after usage was recorded during the turn.
      const commit = makeCommit(session, leaseId);
      expect(await storage().commitTurn(session.ownerId, session.id, commit)).toBe(true);
      expect((await stored(session))?.usage.calls).toBe(2);
    });

    it('hands out copies of calls', async () => {
      const session = await created();
      const call = makeCall(session.id);
      await storage().recordUsage(session.ownerId, session.id, [call]);
      const [read] = await storage().listUsage(session.ownerId, session.id);
      read!.costUsd = 99;
      expect(await storage().listUsage(session.ownerId, session.id)).toEqual([call]);
    });

    it('sums what priced calls cost at or after `since`, over all the owner sessions', async () => {
      const first = await created();
      const second = await created({ ownerId: first.ownerId });
      await storage().recordUsage(first.ownerId, first.id, [
        makeCall(first.id, { costUsd: 1, createdAt: at(99) }),
        makeCall(first.id, { costUsd: 0.25, createdAt: at(100) }),
        makeCall(first.id, { costUsd: null, createdAt: at(101) }),
      ]);
      await storage().recordUsage(second.ownerId, second.id, [
        makeCall(second.id, { costUsd: 0.5, createdAt: at(150) }),
        makeCall(second.id, { costUsd: 0.125, createdAt: at(200) }),
      ]);
      expect(await storage().spentSince(first.ownerId, at(100))).toBeCloseTo(0.875, 9);
      expect(await storage().spentSince(first.ownerId, at(0))).toBeCloseTo(1.875, 9);
      expect(await storage().spentSince(first.ownerId, at(201))).toBe(0);
      expect(await storage().spentSince(newId(), at(0))).toBe(0);
    });
  });
}
