import { describe, expect, it } from 'vitest';
import type { ImportedContent, SessionRecord } from '../storage/types';
import { expectUaipError, type StorageUnderTest } from './storage-contract-fixtures';
import {
  at,
  makeCall,
  makeHistory,
  makeQuestion,
  makeRevision,
  makeSession,
  makeStage,
  makeTurn,
  newId,
} from './storage-records';

/** A completed-looking session of a fresh owner with two turns, two versions and three calls. */
function imported(): { session: SessionRecord; content: ImportedContent } {
  const base = makeSession({ version: 2, currentStageId: 'data' });
  const first = makeTurn(base, { accepted: false, score: 3, createdAt: at(10) });
  const second = makeTurn(base, {
    kind: 'follow_up',
    attempt: 2,
    score: 8,
    createdAt: at(30),
  });
  const session: SessionRecord = {
    ...base,
    stages: [
      makeStage({
        stageId: 'problem',
        status: 'completed',
        artifact: { statement: 'Reduce churn' },
        gate: { passed: true, missing: [] },
        completedAt: at(30),
      }),
      makeStage({ stageId: 'data', status: 'active' }),
    ],
    pending: makeQuestion({ stageId: 'data', topicId: 'sources' }),
    // The record's totals are stored as given, not added to by its calls.
    usage: {
      calls: 3,
      inputTokens: 300,
      outputTokens: 60,
      cacheReadTokens: 15,
      cacheWriteTokens: 9,
      costUsd: 0.5,
      unpricedCalls: 1,
    },
    revision: makeRevision(base, second.id),
    updatedAt: at(30),
  };
  const sessionId = session.id;
  return {
    session,
    content: {
      turns: [first, second],
      history: [
        makeHistory(base, { sessionVersion: 1, createdAt: at(10) }),
        makeHistory(base, { sessionVersion: 2, value: { statement: 'v2' }, createdAt: at(30) }),
      ],
      calls: [
        makeCall(sessionId, { createdAt: at(10) }),
        makeCall(sessionId, { createdAt: at(20), costUsd: null }),
        makeCall(sessionId, { createdAt: at(30) }),
      ],
    },
  };
}

export function importCases(storage: StorageUnderTest): void {
  describe('importing a session', () => {
    it('stores the session whole, and its turns, versions and calls in the order given', async () => {
      const { session, content } = imported();
      await storage().importSession(session, content);
      const { ownerId, id } = session;
      expect(await storage().getSession(ownerId, id)).toEqual(session);
      expect(await storage().listTurns(ownerId, id)).toEqual(content.turns);
      expect(await storage().listHistory(ownerId, id)).toEqual(content.history);
      expect(await storage().listUsage(ownerId, id)).toEqual(content.calls);
      expect((await storage().listSessions(ownerId, { limit: 10 })).items.map((s) => s.id)).toEqual(
        [id],
      );
    });

    it('stores the rows under the session, whatever session id a version or call carries', async () => {
      const { session, content } = imported();
      const elsewhere = newId();
      await storage().importSession(session, {
        ...content,
        history: content.history.map((h) => ({ ...h, sessionId: elsewhere })),
        calls: content.calls.map((c) => ({ ...c, sessionId: elsewhere })),
      });
      const { ownerId, id } = session;
      expect((await storage().listHistory(ownerId, id)).map((h) => h.sessionId)).toEqual([id, id]);
      expect((await storage().listUsage(ownerId, id)).map((c) => c.sessionId)).toEqual([
        id,
        id,
        id,
      ]);
      expect(await storage().listUsage(ownerId, elsewhere)).toEqual([]);
    });

    it('imports an empty transcript', async () => {
      const session = makeSession({ version: 1 });
      await storage().importSession(session, { turns: [], history: [], calls: [] });
      expect(await storage().getSession(session.ownerId, session.id)).toEqual(session);
      expect(await storage().listTurns(session.ownerId, session.id)).toEqual([]);
    });

    it('refuses an id that exists, writing nothing', async () => {
      const { session, content } = imported();
      await storage().createSession(session);
      const before = await storage().getSession(session.ownerId, session.id);
      await expectUaipError(storage().importSession(session, content), 'conflict');
      expect(await storage().getSession(session.ownerId, session.id)).toEqual(before);
      expect(await storage().listTurns(session.ownerId, session.id)).toEqual([]);
      expect(await storage().listUsage(session.ownerId, session.id)).toEqual([]);
    });

    it("is the owner's alone: another owner reads nothing of it", async () => {
      const { session, content } = imported();
      await storage().importSession(session, content);
      const stranger = newId();
      expect(await storage().getSession(stranger, session.id)).toBeNull();
      expect(await storage().listTurns(stranger, session.id)).toEqual([]);
      expect(await storage().listHistory(stranger, session.id)).toEqual([]);
      expect(await storage().listUsage(stranger, session.id)).toEqual([]);
      expect(await storage().accessOf(stranger, session.id)).toBeNull();
    });

    it("keeps the calls out of the owner's spending, and deleting it removes it all", async () => {
      const { session, content } = imported();
      await storage().importSession(session, content);
      expect(await storage().listUsage(session.ownerId, session.id)).toHaveLength(
        content.calls.length,
      );
      // The importer paid for none of them; their own calls still count.
      expect(await storage().spentSince(session.ownerId, at(0))).toBe(0);
      const own = { ...content.calls[0]!, id: newId(), costUsd: 0.25 };
      await storage().recordUsage(session.ownerId, session.id, [own]);
      expect(await storage().spentSince(session.ownerId, at(0))).toBeCloseTo(0.25, 9);
      expect(await storage().deleteSession(session.ownerId, session.id)).toBe(true);
      expect(await storage().getSession(session.ownerId, session.id)).toBeNull();
      expect(await storage().listTurns(session.ownerId, session.id)).toEqual([]);
      expect(await storage().listHistory(session.ownerId, session.id)).toEqual([]);
    });
  });
}
