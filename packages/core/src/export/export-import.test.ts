import { describe, expect, it } from 'vitest';
import {
  createMemoryStorage,
  createOrchestrator,
  type Orchestrator,
  type Principal,
  type UaipError,
} from '../index';
import { judge, twoStageWorkflow } from '../orchestrator/fixtures.test-support';
import { fixedClock, scriptedProvider } from '../testing/index';
import { MAX_SESSION_EXPORT_BYTES, type SessionExport, sessionExportSchema } from './schema';

// A session out of one storage and account, into another: new ids, the importer as owner,
// everything else as it was; and each way a document is refused.

const alice: Principal = { userId: 'alice' };
const bob: Principal = { userId: 'bob' };

function engine(): Orchestrator {
  return createOrchestrator({
    storage: createMemoryStorage(),
    llm: scriptedProvider((request) => judge(request)),
    workflows: [twoStageWorkflow],
    clock: fixedClock(),
  });
}

async function completed(orchestrator: Orchestrator) {
  let session = await orchestrator.start(alice, { workflowId: 'two-stage', idea: 'Cut churn' });
  for (const answer of ['cut churn', 'score:3 vague', 'metric=nps', 'train, ship']) {
    session = (
      await orchestrator.answer(alice, session.id, {
        questionId: session.pendingQuestion!.id,
        answer,
      })
    ).session;
  }
  expect(session.status).toBe('completed');
  return session;
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: UaipError) => [error.code, error.details?.map((detail) => detail.path) ?? []],
  );

describe('export and import', () => {
  it('moves a session to another storage and owner with new ids, the rest unchanged', async () => {
    const source = engine();
    const session = await completed(source);
    const exported = await source.exportSession(alice, session.id);
    expect(sessionExportSchema.safeParse(exported).success).toBe(true);
    expect(exported.turns.map((turn) => turn.answer)).toEqual([
      'cut churn',
      'score:3 vague',
      'metric=nps',
      'train, ship',
    ]);
    expect(JSON.stringify(exported)).not.toContain('"ownerId"');

    // Through JSON, as a file would carry it.
    const target = engine();
    const imported = await target.importSession(bob, JSON.parse(JSON.stringify(exported)));
    expect(imported.id).not.toBe(session.id);
    expect(imported).toMatchObject({
      status: 'completed',
      title: session.title,
      idea: session.idea,
      result: session.result,
      stages: session.stages,
      usage: session.usage,
    });
    await expect(target.get(alice, imported.id)).rejects.toMatchObject({ code: 'not_found' });

    const again = await target.exportSession(bob, imported.id);
    const turnIds = new Set(exported.turns.map((turn) => turn.id));
    expect(again.turns.every((turn) => !turnIds.has(turn.id))).toBe(true);
    const strip = (document: SessionExport) => ({
      session: { ...document.session, id: undefined },
      turns: document.turns.map((turn) => ({ ...turn, id: undefined, questionId: undefined })),
      // Actors of another system mean nothing here: the importer stands for them.
      history: document.history.map((entry) => ({ ...entry, id: undefined, actorId: undefined })),
      usage: document.usage.map((call) => ({ ...call, id: undefined })),
    });
    expect(strip(again)).toEqual(strip(exported));
    expect(new Set(again.history.map((entry) => entry.actorId))).toEqual(new Set(['bob']));
  });

  it("refuses a stranger's export, an unknown version, an invalid document and one too large", async () => {
    const source = engine();
    const session = await completed(source);
    expect(await codeOf(source.exportSession(bob, session.id))).toEqual(['not_found', []]);
    const exported = await source.exportSession(alice, session.id);
    const target = engine();
    const version = await codeOf(target.importSession(bob, { ...exported, version: 7 }));
    expect(version[0]).toBe('validation_failed');
    const broken = { ...exported, turns: [{ ...exported.turns[0], score: 'high' }] };
    expect(await codeOf(target.importSession(bob, broken))).toEqual([
      'validation_failed',
      ['turns.0.score'],
    ]);
    const huge = { ...exported, session: { ...exported.session, idea: 'x'.repeat(10) } };
    (huge as { padding?: string }).padding = 'x'.repeat(MAX_SESSION_EXPORT_BYTES);
    expect((await codeOf(target.importSession(bob, huge)))[0]).toBe('payload_too_large');
    const unknown = { ...exported, session: { ...exported.session, workflowId: 'other' } };
    expect((await codeOf(target.importSession(bob, unknown)))[0]).toBe('validation_failed');
    expect((await target.list(bob)).items).toEqual([]);
  });

  it("keeps an imported session's calls out of the importer's daily budget", async () => {
    const source = engine();
    let session = await source.start(alice, { workflowId: 'two-stage', idea: 'Cut churn' });
    session = (
      await source.answer(alice, session.id, {
        questionId: session.pendingQuestion!.id,
        answer: 'cut churn',
      })
    ).session;
    const exported = await source.exportSession(alice, session.id);
    // Alice's calls cost $0.80 today (the clocks' day); the next turn is estimated at the
    // session's average, $0.80 spread over its turns.
    const calls = exported.usage.map((call) => ({ ...call, costUsd: 0.8 / exported.usage.length }));
    const document = {
      ...exported,
      usage: calls,
      session: { ...exported.session, usage: { ...exported.session.usage, costUsd: 0.8 } },
    };
    const storage = createMemoryStorage();
    const target = createOrchestrator({
      storage,
      llm: scriptedProvider((request) => judge(request)),
      workflows: [twoStageWorkflow],
      clock: fixedClock(),
      budgets: { userDayUsd: 1 },
    });
    const imported = await target.importSession(bob, document);
    expect(imported.usage.costUsd).toBeCloseTo(0.8, 9);
    expect(await storage.spentSince('bob', '2026-01-01T00:00:00.000Z')).toBe(0);
    // Counted, $0.80 spent plus a $0.40 turn would pass the $1 cap; Bob has spent nothing.
    const answered = await target.answer(bob, imported.id, {
      questionId: imported.pendingQuestion!.id,
      answer: 'metric=nps',
    });
    expect(answered.session.version).toBe(imported.version + 1);
  });
});
