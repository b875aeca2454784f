import { beforeEach, describe, expect, it } from 'vitest';
import {
  createMemoryStorage,
  createOrchestrator,
  type LlmRequest,
  type Orchestrator,
  type Principal,
  type SessionEvent,
  type Storage,
  UaipError,
} from '../index';
import type { TurnRecord } from '../storage/types';
import {
  blockingProvider,
  fixedClock,
  makeSession,
  makeTurn,
  type ScriptedProvider,
  type ScriptedReply,
  scriptedProvider,
  sequentialIds,
} from '../testing/index';
import { answerIn, twoStageWorkflow } from './fixtures.test-support';
import { revisionQuestion } from './revision';

const alice: Principal = { userId: 'alice' };
const mallory: Principal = { userId: 'mallory' };

/**
 * Scores `score:N` as N (else 9). The goal's artifact is read from the answers (`obj=` and
 * `metric=`); the plan's steps name the objective of the goal it was extracted on.
 */
function judge(request: LlmRequest): ScriptedReply {
  const content = request.messages.map((message) => message.content).join('\n');
  if (request.output?.name === 'scoring') {
    const score = Number(/score:(\d+)/.exec(answerIn(request))?.[1] ?? 9);
    return { json: { score, issues: score < 7 ? ['Too vague'] : [], followUp: 'Which one?' } };
  }
  if (content.includes('Stage: Goal')) {
    return {
      json: {
        objective: /obj=(\w+)/.exec(content)?.[1] ?? '',
        metric: /metric=(\w+)/.exec(content)?.[1] ?? '',
      },
    };
  }
  const objective = /"objective":"(\w*)"/.exec(content)?.[1] ?? '?';
  return { json: { steps: [`reach ${objective}`] } };
}

let storage: Storage;
let llm: ScriptedProvider;
let orchestrator: Orchestrator;
let events: SessionEvent[];

beforeEach(() => {
  storage = createMemoryStorage();
  llm = scriptedProvider((request) => judge(request));
  orchestrator = createOrchestrator({
    storage,
    llm,
    workflows: [twoStageWorkflow],
    clock: fixedClock(),
    generateId: sequentialIds(),
  });
  events = [];
});

async function reply(sessionId: string, answer: string) {
  const session = await orchestrator.get(alice, sessionId);
  return orchestrator.answer(alice, sessionId, { questionId: session.pendingQuestion!.id, answer });
}

/** A session of alice answered to the end: objective `churn`, metric `retention`. */
async function completedSession() {
  const session = await orchestrator.start(alice, { workflowId: 'two-stage', idea: 'Churn' });
  await orchestrator.subscribe(alice, session.id, (event) => events.push(event));
  await reply(session.id, 'We want to cut obj=churn');
  await reply(session.id, 'Measured by metric=retention');
  const done = await reply(session.id, 'Train, then ship');
  expect(done.session.status).toBe('completed');
  return session.id;
}

async function turnAnswering(sessionId: string, text: string) {
  const turns = await orchestrator.turns(alice, sessionId);
  return turns.find((turn) => turn.answer.includes(text))!;
}

function codeOf(promise: Promise<unknown>) {
  return promise.then(
    () => 'resolved',
    (error: unknown) => (UaipError.isInstance(error) ? error.code : String(error)),
  );
}

describe('the question a revision answers', () => {
  const turn = (id: string, kind: TurnRecord['kind'], question: string): TurnRecord => ({
    ...makeTurn(makeSession(), { id, kind, question, topicId: null, stageId: 'goal' }),
  });

  it("is a gap answer's own gap question, not the stage's first one", () => {
    const turns = [
      turn('g1', 'gap', 'What about the metric?'),
      turn('g2', 'gap', 'And the baseline?'),
      turn('g3', 'follow_up', 'Which baseline exactly?'),
    ];
    const seed = { id: 'q', now: '2026-01-01T00:00:00.000Z' };
    expect(revisionQuestion(turns, turns[2]!, 3, seed)).toMatchObject({
      kind: 'gap',
      text: 'And the baseline?',
      revisesTurnId: 'g3',
    });
    expect(revisionQuestion(turns, turns[0]!, 3, seed).text).toBe('What about the metric?');
  });
});

describe('revising an accepted answer', () => {
  it('rebuilds the stage and the stages built on it, asks nothing else, keeps the old versions', async () => {
    const sessionId = await completedSession();
    const target = await turnAnswering(sessionId, 'obj=churn');
    const before = await orchestrator.get(alice, sessionId);
    const requestsBefore = llm.requests.length;

    const revised = await orchestrator.revise(alice, sessionId, {
      turnId: target.id,
      answer: 'We want to cut obj=fraud',
    });

    expect(revised.outcome.kind).toBe('revision_completed');
    expect(revised.revision).toMatchObject({
      turnId: target.id,
      status: 'completed',
      rebuilt: ['goal', 'plan'],
      stale: [],
    });
    const session = revised.session;
    expect(session.status).toBe('completed');
    expect(session.pendingQuestion).toBeNull();
    expect(session.version).toBe(before.version + 1);
    expect(session.stages.map((stage) => [stage.id, stage.status, stage.artifact])).toEqual([
      ['goal', 'completed', { objective: 'fraud', metric: 'retention' }],
      ['plan', 'completed', { steps: ['reach fraud'] }],
    ]);
    expect(await orchestrator.get(alice, sessionId)).toEqual(session);
    // One scoring call, then one extraction per stage: no question asked again.
    expect(llm.requests.slice(requestsBefore).map((request) => request.output?.name)).toEqual([
      'scoring',
      'extraction',
      'extraction',
    ]);

    const turns = await orchestrator.turns(alice, sessionId);
    const revision = turns.at(-1)!;
    expect(revision).toMatchObject({
      answer: 'We want to cut obj=fraud',
      question: 'What is the objective?',
      revisesTurnId: target.id,
      revisedBy: null,
      accepted: true,
    });
    expect(turns.find((turn) => turn.id === target.id)).toMatchObject({
      answer: 'We want to cut obj=churn',
      revisedBy: revision.id,
    });

    const history = await orchestrator.history(alice, sessionId);
    expect(history.answers).toEqual(turns);
    expect(
      history.artifacts.map((entry) => [entry.stageId, entry.artifact, entry.revisionId]),
    ).toEqual([
      ['goal', { objective: 'churn', metric: 'retention' }, null],
      ['plan', { steps: ['reach churn'] }, null],
      ['goal', { objective: 'fraud', metric: 'retention' }, revised.revision!.id],
      ['plan', { steps: ['reach fraud'] }, revised.revision!.id],
    ]);
    expect(history.artifacts.every((entry) => entry.actorId === 'alice')).toBe(true);

    const types = events.map((event) => event.type).filter((type) => type !== 'llm.attempt');
    expect(types.slice(-7)).toEqual([
      'revision.started',
      'turn.started',
      'answer.scored',
      'stage.reextracted',
      'stage.reextracted',
      'session.completed',
      'revision.completed',
    ]);
  });

  it('follows a vague revision up like any answer, with the stages built on it stale meanwhile', async () => {
    const sessionId = await completedSession();
    const target = await turnAnswering(sessionId, 'obj=churn');

    const vague = await orchestrator.revise(alice, sessionId, {
      turnId: target.id,
      answer: 'Something else score:3',
    });
    expect(vague.outcome.kind).toBe('follow_up');
    expect(vague.revision).toMatchObject({ status: 'follow_up', stale: ['goal', 'plan'] });
    expect(vague.session.status).toBe('active');
    expect(vague.session.pendingQuestion).toMatchObject({
      kind: 'follow_up',
      stageId: 'goal',
      topicId: 'objective',
      originalText: 'What is the objective?',
      attempt: 2,
    });
    expect(vague.session.stages.map((stage) => stage.status)).toEqual(['stale', 'stale']);
    expect(vague.session.revision).toEqual({
      id: vague.revision!.id,
      turnId: target.id,
      stageId: 'goal',
      stale: ['goal', 'plan'],
    });
    expect(vague.session.pendingQuestion!.revisesTurnId).toBe(target.id);
    // The old artifacts are still shown until they are rebuilt.
    expect(vague.session.stages[0]!.artifact).toEqual({ objective: 'churn', metric: 'retention' });

    // Another revision waits for this one.
    expect(
      await codeOf(orchestrator.revise(alice, sessionId, { turnId: target.id, answer: 'obj=x' })),
    ).toBe('conflict');

    const done = await reply(sessionId, 'Cut obj=fraud losses');
    expect(done.outcome.kind).toBe('revision_completed');
    expect(done.session.revision).toBeNull();
    expect(done.revision).toMatchObject({ status: 'completed', rebuilt: ['goal', 'plan'] });
    expect(done.session.status).toBe('completed');
    expect(done.session.stages.map((stage) => stage.artifact)).toEqual([
      { objective: 'fraud', metric: 'retention' },
      { steps: ['reach fraud'] },
    ]);
    const turns = await orchestrator.turns(alice, sessionId);
    expect(turns.slice(-2).map((turn) => [turn.revisesTurnId, turn.accepted])).toEqual([
      [target.id, false],
      [target.id, true],
    ]);
  });

  it('asks a gap question when a rebuilt stage now fails its gate, then finishes the rebuild', async () => {
    const sessionId = await completedSession();
    const metric = await turnAnswering(sessionId, 'metric=retention');

    const revised = await orchestrator.revise(alice, sessionId, {
      turnId: metric.id,
      answer: 'We will see how it goes',
    });
    expect(revised.revision).toMatchObject({ status: 'gap', rebuilt: [], stale: ['goal', 'plan'] });
    expect(revised.session.pendingQuestion).toMatchObject({ kind: 'gap', stageId: 'goal' });
    expect(revised.session.stages.map((stage) => [stage.status, stage.gate?.passed])).toEqual([
      ['active', false],
      ['stale', true],
    ]);
    expect(revised.session.result).toBeNull();

    const done = await reply(sessionId, 'Measured by metric=margin');
    expect(done.revision).toMatchObject({ status: 'completed', rebuilt: ['goal', 'plan'] });
    expect(done.session.status).toBe('completed');
    expect(done.session.stages[0]!.artifact).toEqual({ objective: 'churn', metric: 'margin' });
  });

  it('asks no gap question again for what the gate already missed before the revision', async () => {
    const session = await orchestrator.start(alice, { workflowId: 'two-stage', idea: 'Churn' });
    await reply(session.id, 'We want to cut obj=churn');
    await reply(session.id, 'We will see');
    const gap = await reply(session.id, 'No idea yet');
    expect(gap.session.stages[0]!.gate).toEqual({ passed: false, missing: ['a success metric'] });
    await reply(session.id, 'Train, then ship');
    const target = await turnAnswering(session.id, 'obj=churn');

    const revised = await orchestrator.revise(alice, session.id, {
      turnId: target.id,
      answer: 'We want to cut obj=fraud',
    });
    expect(revised.revision).toMatchObject({ status: 'completed', rebuilt: ['goal', 'plan'] });
    expect(revised.session.stages[0]).toMatchObject({
      artifact: { objective: 'fraud', metric: '' },
      gate: { passed: false, missing: ['a success metric'] },
    });
  });

  it('in an active session, swaps the answer and asks the pending question again', async () => {
    const session = await orchestrator.start(alice, { workflowId: 'two-stage', idea: 'Churn' });
    await reply(session.id, 'We want to cut obj=churn');
    const pending = (await orchestrator.get(alice, session.id)).pendingQuestion!;
    const target = await turnAnswering(session.id, 'obj=churn');
    const requestsBefore = llm.requests.length;

    const revised = await orchestrator.revise(alice, session.id, {
      turnId: target.id,
      answer: 'obj=fraud',
    });
    expect(revised.revision).toMatchObject({ status: 'completed', rebuilt: [] });
    expect(revised.session.pendingQuestion).toEqual(pending);
    expect(llm.requests.length - requestsBefore).toBe(1);

    await reply(session.id, 'metric=retention');
    const done = await reply(session.id, 'Train');
    expect(done.session.stages.map((stage) => stage.artifact)).toEqual([
      { objective: 'fraud', metric: 'retention' },
      { steps: ['reach fraud'] },
    ]);
  });

  it('leaves the session as it was when the model fails, and can be sent again', async () => {
    const sessionId = await completedSession();
    const target = await turnAnswering(sessionId, 'obj=churn');
    const before = await orchestrator.get(alice, sessionId);
    let fail = true;
    const flaky = scriptedProvider((request) => {
      if (fail && request.output?.name === 'extraction') throw new Error('model down');
      return judge(request);
    });
    const other = createOrchestrator({
      storage,
      llm: flaky,
      workflows: [twoStageWorkflow],
      clock: fixedClock(),
    });
    const input = { turnId: target.id, answer: 'obj=fraud' };
    expect(await codeOf(other.revise(alice, sessionId, input))).toBe('llm_unavailable');
    // Nothing changed but the ledger: the failed attempt was a call all the same.
    const after = await other.get(alice, sessionId);
    expect({ ...after, usage: before.usage }).toEqual(before);
    expect(after.usage.unpricedCalls).toBe(before.usage.unpricedCalls + 1);
    expect((await other.history(alice, sessionId)).artifacts).toHaveLength(2);

    fail = false;
    const revised = await other.revise(alice, sessionId, input);
    expect(revised.session.stages[0]!.artifact).toEqual({
      objective: 'fraud',
      metric: 'retention',
    });
  });

  it('refuses what cannot be revised, with the contract codes', async () => {
    const sessionId = await completedSession();
    const target = await turnAnswering(sessionId, 'obj=churn');
    const answer = 'obj=fraud';
    expect(
      await codeOf(orchestrator.revise(mallory, sessionId, { turnId: target.id, answer })),
    ).toBe('not_found');
    expect(await codeOf(orchestrator.revise(alice, sessionId, { turnId: 'nope', answer }))).toBe(
      'not_found',
    );
    expect(
      await codeOf(orchestrator.revise(alice, sessionId, { turnId: target.id, answer: ' ' })),
    ).toBe('validation_failed');
    expect(await codeOf(orchestrator.history(mallory, sessionId))).toBe('not_found');

    const revised = await orchestrator.revise(alice, sessionId, { turnId: target.id, answer });
    // The replaced answer is history now: the revision is what can be revised next.
    expect(await codeOf(orchestrator.revise(alice, sessionId, { turnId: target.id, answer }))).toBe(
      'invalid_state',
    );
    const latest = (await orchestrator.turns(alice, sessionId)).at(-1)!;
    expect(revised.revision!.turnId).toBe(target.id);
    expect(
      (await orchestrator.revise(alice, sessionId, { turnId: latest.id, answer: 'obj=churn' }))
        .session.stages[0]!.artifact,
    ).toEqual({ objective: 'churn', metric: 'retention' });
  });

  it('refuses a rejected answer, and a revision while a turn is running', async () => {
    const session = await orchestrator.start(alice, { workflowId: 'two-stage', idea: 'Churn' });
    await reply(session.id, 'Not sure score:2');
    const rejected = (await orchestrator.turns(alice, session.id))[0]!;
    expect(
      await codeOf(
        orchestrator.revise(alice, session.id, { turnId: rejected.id, answer: 'obj=a' }),
      ),
    ).toBe('invalid_state');
    await reply(session.id, 'obj=churn');
    const accepted = await turnAnswering(session.id, 'obj=churn');

    const blocking = blockingProvider(scriptedProvider((request) => judge(request)));
    const busy = createOrchestrator({
      storage,
      llm: blocking,
      workflows: [twoStageWorkflow],
      clock: fixedClock(),
    });
    const pending = (await busy.get(alice, session.id)).pendingQuestion!;
    const running = busy.answer(alice, session.id, { questionId: pending.id, answer: 'metric=x' });
    await blocking.arrived();
    expect(
      await codeOf(busy.revise(alice, session.id, { turnId: accepted.id, answer: 'obj=fraud' })),
    ).toBe('conflict');
    blocking.release();
    await running;
  });

  it('replays a keyed revision instead of running it twice', async () => {
    const sessionId = await completedSession();
    const target = await turnAnswering(sessionId, 'obj=churn');
    const input = { turnId: target.id, answer: 'obj=fraud' };
    const first = await orchestrator.revise(alice, sessionId, input, { idempotencyKey: 'k1' });
    const requests = llm.requests.length;
    const again = await orchestrator.revise(alice, sessionId, input, { idempotencyKey: 'k1' });
    expect(again).toEqual(first);
    expect(llm.requests.length).toBe(requests);
  });
});
