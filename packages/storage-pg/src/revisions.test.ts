import {
  createOrchestrator,
  defineStage,
  defineTopic,
  defineWorkflow,
  type LlmRequest,
  type Orchestrator,
} from '@uaip/core';
import { fixedClock, type ScriptedReply, scriptedProvider } from '@uaip/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ClosableStorage, createEmbeddedStorage, createPgStorage } from './index';
import { createThrowawayDatabase, NEEDS_POSTGRES, testDatabaseUrl } from './test-services';

// A revision end to end through the orchestrator on the SQL storages: the revision is claimed,
// committed with its stale stages and history, and read back as the memory storage does.

const workflow = defineWorkflow({
  id: 'goal-plan',
  version: '1',
  title: 'Goal and plan',
  description: 'A goal, then a plan built on it',
  stages: [
    defineStage({
      id: 'goal',
      title: 'Goal',
      description: 'What to achieve',
      topics: [defineTopic({ id: 'objective', question: 'What is the objective?' })],
      artifact: z.object({ objective: z.string() }),
    }),
    defineStage({
      id: 'plan',
      title: 'Plan',
      description: 'How',
      topics: [defineTopic({ id: 'steps', question: 'What are the steps?' })],
      artifact: z.object({ steps: z.array(z.string()) }),
    }),
  ],
});

/** `score:N` scores N (else 9); the goal reads `obj=`; the plan names the goal's objective. */
function judge(request: LlmRequest): ScriptedReply {
  const content = request.messages.map((message) => message.content).join('\n');
  if (request.output?.name === 'scoring') {
    const answer = /Answer to score: <answer>([\s\S]*)<\/answer>/.exec(content)?.[1] ?? '';
    const score = Number(/score:(\d+)/.exec(answer)?.[1] ?? 9);
    return { json: { score, issues: score < 7 ? ['Vague'] : [], followUp: 'Which one?' } };
  }
  if (content.includes('Stage: Goal'))
    return { json: { objective: /obj=(\w+)/.exec(content)![1] } };
  return { json: { steps: [`reach ${/"objective":"(\w+)"/.exec(content)?.[1]}`] } };
}

const user = { userId: 'ada' };

function revisionScenario(open: () => Promise<ClosableStorage>) {
  let storage: ClosableStorage;
  let orchestrator: Orchestrator;
  beforeAll(async () => {
    storage = await open();
    orchestrator = createOrchestrator({
      storage,
      llm: scriptedProvider((request) => judge(request)),
      workflows: [workflow],
      clock: fixedClock(),
    });
  });
  afterAll(async () => storage?.close());

  it('revises a completed session through a follow-up and keeps every version', async () => {
    let session = await orchestrator.start(user, { workflowId: 'goal-plan', idea: 'Churn' });
    for (const answer of ['obj=churn', 'Train then ship'])
      ({ session } = await orchestrator.answer(user, session.id, {
        questionId: session.pendingQuestion!.id,
        answer,
      }));
    expect(session.status).toBe('completed');
    const [goalTurn] = await orchestrator.turns(user, session.id);

    const vague = await orchestrator.revise(user, session.id, {
      turnId: goalTurn!.id,
      answer: 'Something score:2',
    });
    expect(vague.revision).toMatchObject({ status: 'follow_up', stale: ['goal', 'plan'] });
    // Read back from the database, not from the result.
    const waiting = await orchestrator.get(user, session.id);
    expect(waiting.stages.map((stage) => stage.status)).toEqual(['stale', 'stale']);
    expect(waiting.pendingQuestion).toMatchObject({ kind: 'follow_up', stageId: 'goal' });

    const done = await orchestrator.answer(user, session.id, {
      questionId: waiting.pendingQuestion!.id,
      answer: 'obj=fraud',
    });
    expect(done.outcome.kind).toBe('revision_completed');
    const final = await orchestrator.get(user, session.id);
    expect(final.status).toBe('completed');
    expect(final.stages.map((stage) => [stage.status, stage.artifact])).toEqual([
      ['completed', { objective: 'fraud' }],
      ['completed', { steps: ['reach fraud'] }],
    ]);

    const turns = await orchestrator.turns(user, session.id);
    expect(turns.map((turn) => [turn.revisesTurnId, turn.revisedBy, turn.accepted])).toEqual([
      [null, turns[3]!.id, true],
      [null, null, true],
      [goalTurn!.id, null, false],
      [goalTurn!.id, null, true],
    ]);
    const history = await orchestrator.history(user, session.id);
    expect(history.artifacts.map((entry) => [entry.stageId, entry.artifact])).toEqual([
      ['goal', { objective: 'churn' }],
      ['plan', { steps: ['reach churn'] }],
      ['goal', { objective: 'fraud' }],
      ['plan', { steps: ['reach fraud'] }],
    ]);
    expect(history.artifacts[2]!.revisionId).toBe(vague.revision!.id);
    expect(await storage.listHistory('someone-else', session.id)).toEqual([]);
  });
}

describe('a revision on PGlite', () => {
  revisionScenario(() => createEmbeddedStorage());
});

const serverUrl = testDatabaseUrl();
describe.skipIf(!serverUrl)(`a revision on a PostgreSQL server ${NEEDS_POSTGRES}`, () => {
  let drop: () => Promise<void>;
  afterAll(async () => drop?.());
  revisionScenario(async () => {
    const database = await createThrowawayDatabase(serverUrl!);
    drop = database.drop;
    return createPgStorage({ connectionString: database.url });
  });
});
