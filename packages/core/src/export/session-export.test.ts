import { describe, expect, it } from 'vitest';
import { createMemoryStorage, createOrchestrator, type Principal, UaipError } from '../index';
import { judge, twoStageWorkflow } from '../orchestrator/fixtures.test-support';
import { fixedClock, scriptedProvider } from '../testing/index';
import type { SessionExport } from './schema';

const alice: Principal = { userId: 'alice' };
const bob: Principal = { userId: 'bob' };
const mallory: Principal = { userId: 'mallory' };

function engine(ids = 'a') {
  let next = 0;
  const clock = fixedClock();
  return createOrchestrator({
    storage: createMemoryStorage(),
    llm: scriptedProvider(judge, { clock }),
    workflows: [twoStageWorkflow],
    clock,
    generateId: () => `${ids}-${++next}`,
  });
}

type Engine = ReturnType<typeof engine>;

/** A session of alice with a follow-up, an accepted stage and a revision under way. */
async function answered(orchestrator: Engine) {
  let session = await orchestrator.start(alice, { workflowId: 'two-stage', idea: 'Cut churn' });
  for (const answer of ['vague score:3', 'we want less churn', 'metric=recall', 'step one']) {
    const result = await orchestrator.answer(alice, session.id, {
      questionId: session.pendingQuestion!.id,
      answer,
    });
    session = result.session;
  }
  const [first] = (await orchestrator.turns(alice, session.id)).filter((t) => t.accepted);
  await orchestrator.revise(alice, session.id, {
    turnId: first!.id,
    answer: 'still vague score:2',
  });
  return orchestrator.get(alice, session.id);
}

/** The export without what an import changes: ids, owner, actors and the time of export. */
function normalized(document: SessionExport) {
  return JSON.parse(
    JSON.stringify({ ...document, exportedAt: null }).replace(
      /"(?:[a-z]-\d+|q-[a-z]-\d+|alice|bob)"/g,
      '"ID"',
    ),
  );
}

describe('exporting and importing a session', () => {
  it('imports into another storage and account, and exports again the same document', async () => {
    const source = engine('a');
    const session = await answered(source);
    const exported = await source.exportSession(alice, session.id);
    expect(exported.turns.length).toBeGreaterThan(3);
    expect(exported.session.revision).not.toBeNull();
    expect(JSON.stringify(exported)).not.toContain('"ownerId"');

    const target = engine('b');
    const copy = await target.importSession(bob, JSON.parse(JSON.stringify(exported)));
    expect(copy.id).not.toBe(session.id);
    expect(copy.pendingQuestion?.text).toBe(session.pendingQuestion?.text);
    const again = await target.exportSession(bob, copy.id);
    expect(normalized(again)).toEqual(normalized(exported));
    // The revision's references follow the new ids.
    expect(again.turns.map((t) => t.id)).toContain(again.session.revision!.turnId);
    expect(again.session.pending!.revisesTurnId).toBe(again.session.revision!.turnId);

    // The copy is bob's alone, and answering it goes on where the original stood.
    await expect(target.get(alice, copy.id)).rejects.toMatchObject({ code: 'not_found' });
    const result = await target.answer(bob, copy.id, {
      questionId: copy.pendingQuestion!.id,
      answer: 'cut churn to 5% score:9',
    });
    expect(result.revision?.status).toBe('completed');
  });

  it("is open to the session's members but not to strangers", async () => {
    const source = engine();
    const session = await answered(source);
    await source.share(alice, session.id, { userId: 'bob', role: 'viewer' });
    await expect(source.exportSession(bob, session.id)).resolves.toMatchObject({ version: 1 });
    await expect(source.exportSession(mallory, session.id)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('refuses an unknown version, naming the versions it reads', async () => {
    const source = engine();
    const exported = await source.exportSession(alice, (await answered(source)).id);
    const error = await source.importSession(alice, { ...exported, version: 2 }).catch((e) => e);
    expect(UaipError.isInstance(error) && error.code).toBe('validation_failed');
    expect(error.message).toContain('reads version 1');
    expect(error.details).toEqual([{ path: 'version', message: 'Supported versions: 1' }]);
  });

  it('refuses an invalid document with the paths of its problems', async () => {
    const source = engine();
    const exported = await source.exportSession(alice, (await answered(source)).id);
    const broken = structuredClone(exported) as unknown as { turns: { score: unknown }[] };
    broken.turns[1]!.score = 'high';
    const error = await source.importSession(alice, broken).catch((e) => e);
    expect(error.code).toBe('validation_failed');
    expect(error.details.map((d: { path: string }) => d.path)).toEqual(['turns.1.score']);
    await expect(source.importSession(alice, 'nonsense')).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });

  it('refuses a document past the size limit', async () => {
    const source = engine();
    const exported = await source.exportSession(alice, (await answered(source)).id);
    const huge = { ...exported, session: { ...exported.session, result: 'x'.repeat(6e6) } };
    await expect(source.importSession(alice, huge)).rejects.toMatchObject({
      code: 'payload_too_large',
    });
  });

  it('refuses a workflow version it does not serve, or stages that do not fit it', async () => {
    const source = engine();
    const exported = await source.exportSession(alice, (await answered(source)).id);
    const other = { ...exported, session: { ...exported.session, workflowVersion: '9' } };
    await expect(source.importSession(alice, other)).rejects.toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'session.workflowVersion', message: 'Not served here' }],
    });
    const turns = exported.turns.map((t, i) => (i === 0 ? { ...t, stageId: 'nope' } : t));
    await expect(source.importSession(alice, { ...exported, turns })).rejects.toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'turns.0.stageId' }],
    });
  });
});
