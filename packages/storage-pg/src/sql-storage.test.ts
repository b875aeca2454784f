import { UaipError } from '@uaip/core';
import {
  at,
  makeCall,
  makeClaim,
  makeCommit,
  makeSession,
  sessionAfterCommit,
} from '@uaip/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClosableStorage, createEmbeddedStorage, createPgStorage } from './index';
import { failureOf } from './test-async';
import { createThrowawayDatabase, NEEDS_POSTGRES, testDatabaseUrl } from './test-services';

const serverUrl = testDatabaseUrl();

// Behaviour beyond the core contract that users of the SQL storages can notice; the same
// cases run on PGlite and on the server.
function sqlStorageCases(
  open: () => Promise<{ storage: ClosableStorage; done: () => Promise<void> }>,
) {
  let storage: ClosableStorage;
  let done: () => Promise<void>;
  beforeAll(async () => {
    ({ storage, done } = await open());
  });
  afterAll(() => done?.());

  async function claimed(overrides: Parameters<typeof makeSession>[0] = {}) {
    const record = makeSession(overrides);
    await storage.createSession(record);
    const claim = makeClaim(record);
    expect(await storage.claimQuestion(record.ownerId, record.id, claim)).toBe('claimed');
    return { record, leaseId: claim.leaseId };
  }

  it('returns JSON values of every shape as they went in', async () => {
    const shapes = ['a plain string', 42.5, [1, 'two', { three: [3] }], { ключ: 'значение 🙂' }];
    for (const result of shapes) {
      const record = makeSession({
        status: 'completed',
        pending: null,
        currentStageId: null,
        result,
        stages: [
          {
            stageId: 'problem',
            status: 'completed',
            artifact: result,
            gate: { passed: false, missing: ['owner'] },
            gapAsked: true,
            completedAt: at(5),
          },
        ],
      });
      await storage.createSession(record);
      expect(await storage.getSession(record.ownerId, record.id)).toEqual(record);
    }
  });

  it('reads times back in toISOString form', async () => {
    const record = makeSession({
      createdAt: '2030-01-01T00:00:00Z',
      updatedAt: '2030-01-01T01:00:00+01:00',
    });
    await storage.createSession(record);
    const read = await storage.getSession(record.ownerId, record.id);
    expect(read).toMatchObject({
      createdAt: '2030-01-01T00:00:00.000Z',
      updatedAt: '2030-01-01T00:00:00.000Z',
    });
  });

  it('refuses text with a NUL character as validation_failed, storing nothing', async () => {
    const { record, leaseId } = await claimed();
    const commit = makeCommit(record, leaseId);
    commit.turn.answer = 'before\u0000after';
    const error = await failureOf(storage.commitTurn(record.ownerId, record.id, commit));
    expect(UaipError.isInstance(error) && error.code).toBe('validation_failed');
    expect(await storage.listTurns(record.ownerId, record.id)).toEqual([]);
    expect((await storage.getSession(record.ownerId, record.id))?.version).toBe(0);
    // The lease still holds: the same turn without the NUL goes through.
    commit.turn.answer = 'before after';
    expect(await storage.commitTurn(record.ownerId, record.id, commit)).toBe(true);

    const nulSession = makeSession({ title: 'a\u0000b' });
    const refused = await failureOf(storage.createSession(nulSession));
    expect(UaipError.isInstance(refused) && refused.code).toBe('validation_failed');
    expect(await storage.getSession(nulSession.ownerId, nulSession.id)).toBeNull();
  });

  it('puts a stage first named by a turn after the others; the last copy of a stage wins', async () => {
    const { record, leaseId } = await claimed();
    const ethics = { ...record.stages[1]!, stageId: 'ethics', status: 'active' as const };
    const problemDone = { ...record.stages[0]!, status: 'completed' as const, completedAt: at(9) };
    const commit = makeCommit(record, leaseId, {
      stages: [{ ...ethics, gapAsked: true }, record.stages[0]!, problemDone, ethics],
    });
    expect(await storage.commitTurn(record.ownerId, record.id, commit)).toBe(true);
    const read = await storage.getSession(record.ownerId, record.id);
    expect(read?.stages).toEqual([problemDone, record.stages[1], ethics]);
  });

  it("keeps a deleted session's spending in the budget, and never shows it again", async () => {
    const { record, leaseId } = await claimed();
    const { ownerId, id } = record;
    const commit = makeCommit(record, leaseId, { calls: [makeCall(id, { costUsd: 1.5 })] });
    expect(await storage.commitTurn(ownerId, id, commit)).toBe(true);
    // A fractional latency, as clocks measure it, goes into the double precision column.
    await storage.recordUsage(ownerId, id, [makeCall(id, { costUsd: 0.5, latencyMs: 12.5 })]);
    expect(await storage.deleteSession(ownerId, id)).toBe(true);
    expect(await storage.spentSince(ownerId, at(0))).toBe(2);

    // A new session that happens to reuse the id starts with an empty ledger.
    const again = makeSession({ id, ownerId });
    await storage.createSession(again);
    expect(await storage.listUsage(ownerId, id)).toEqual([]);
    expect(await storage.spentSince(ownerId, at(0))).toBe(2);
  });

  it('answers turn after turn at the new version, the transcript in order', async () => {
    let { record, leaseId } = await claimed();
    for (let turn = 1; turn <= 5; turn++) {
      const commit = makeCommit(record, leaseId);
      commit.turn.answer = `answer ${turn}`;
      expect(await storage.commitTurn(record.ownerId, record.id, commit)).toBe(true);
      record = sessionAfterCommit(record, commit);
      const claim = makeClaim(record);
      expect(await storage.claimQuestion(record.ownerId, record.id, claim)).toBe('claimed');
      leaseId = claim.leaseId;
    }
    const turns = await storage.listTurns(record.ownerId, record.id);
    expect(turns.map((turn) => turn.answer)).toEqual([1, 2, 3, 4, 5].map((n) => `answer ${n}`));
    expect((await storage.getSession(record.ownerId, record.id))?.usage.calls).toBe(5);
  });

  it('rejects a page limit outside 1 to 100 with validation_failed', async () => {
    for (const limit of [0, 101, 1.5]) {
      const error = await failureOf(storage.listSessions('someone', { limit }));
      expect(UaipError.isInstance(error) && error.code).toBe('validation_failed');
    }
    expect(await storage.listSessions('someone', { limit: 100 })).toEqual({
      items: [],
      nextCursor: null,
    });
  });
}

describe('SQL storage on PGlite', () => {
  sqlStorageCases(async () => {
    const storage = await createEmbeddedStorage();
    return { storage, done: () => storage.close() };
  });
});

describe.skipIf(!serverUrl)(`SQL storage on a PostgreSQL server ${NEEDS_POSTGRES}`, () => {
  sqlStorageCases(async () => {
    const database = await createThrowawayDatabase(serverUrl!);
    const storage = await createPgStorage({ connectionString: database.url });
    return {
      storage,
      done: async () => {
        await storage.close();
        await database.drop();
      },
    };
  });
});
