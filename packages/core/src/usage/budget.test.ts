import { beforeEach, describe, expect, it } from 'vitest';
import {
  createMemoryStorage,
  createOrchestrator,
  type Orchestrator,
  type Storage,
  UaipError,
} from '../index';
import { judge, twoStageWorkflow } from '../orchestrator/fixtures.test-support';
import { fixedClock, scriptedProvider, sequentialIds } from '../testing/index';

const alice = { userId: 'alice' };
let storage: Storage;
let clock: ReturnType<typeof fixedClock>;

function orchestratorWith(budgets: { sessionUsd?: number; userDayUsd?: number }): Orchestrator {
  // Each scoring costs $0.001, each extraction $0.01 (see judge()).
  return createOrchestrator({
    storage,
    llm: scriptedProvider((request) => judge(request), { clock }),
    workflows: [twoStageWorkflow],
    clock,
    generateId: sequentialIds(),
    budgets,
  });
}

async function answerPending(orchestrator: Orchestrator, sessionId: string, answer = 'An answer') {
  const session = await orchestrator.get(alice, sessionId);
  return orchestrator.answer(alice, sessionId, { questionId: session.pendingQuestion!.id, answer });
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (UaipError.isInstance(error) ? error.code : String(error)),
  );

beforeEach(() => {
  storage = createMemoryStorage();
  clock = fixedClock('2026-11-26T10:00:00.000Z');
});

describe('budgets', () => {
  it('refuses a turn once the session has spent its cap, leaving the session unchanged', async () => {
    const orchestrator = orchestratorWith({ sessionUsd: 0.002 });
    const session = await orchestrator.start(alice, { workflowId: 'two-stage', idea: 'Idea' });
    await answerPending(orchestrator, session.id, 'vague score:3');
    await answerPending(orchestrator, session.id, 'vague again score:3');
    const before = await orchestrator.get(alice, session.id);
    expect(before.usage.costUsd).toBeCloseTo(0.002, 9);
    expect(await codeOf(answerPending(orchestrator, session.id))).toBe('budget_exceeded');
    expect(await orchestrator.get(alice, session.id)).toEqual(before);
  });

  it('refuses a turn that would pass the cap, judged by what a turn has cost so far', async () => {
    const orchestrator = orchestratorWith({ sessionUsd: 0.0025 });
    const session = await orchestrator.start(alice, { workflowId: 'two-stage', idea: 'Idea' });
    await answerPending(orchestrator, session.id, 'vague score:3');
    await answerPending(orchestrator, session.id, 'vague again score:3');
    // $0.002 spent in two turns: another $0.001 turn would reach $0.003.
    expect(await codeOf(answerPending(orchestrator, session.id))).toBe('budget_exceeded');
  });

  it("caps a user's spending per UTC day across sessions, and resets at midnight", async () => {
    const orchestrator = orchestratorWith({ userDayUsd: 0.002 });
    const first = await orchestrator.start(alice, { workflowId: 'two-stage', idea: 'One' });
    const second = await orchestrator.start(alice, { workflowId: 'two-stage', idea: 'Two' });
    await answerPending(orchestrator, first.id, 'vague score:3');
    await answerPending(orchestrator, second.id, 'vague score:3');
    const refused = await answerPending(orchestrator, first.id).catch((error: UaipError) => error);
    expect(refused).toMatchObject({ code: 'budget_exceeded', retryAfterMs: 14 * 60 * 60 * 1000 });
    // Another user is not affected.
    const bob = await orchestrator.start(
      { userId: 'bob' },
      { workflowId: 'two-stage', idea: 'Bob' },
    );
    expect(
      await codeOf(
        orchestrator.answer({ userId: 'bob' }, bob.id, {
          questionId: bob.pendingQuestion!.id,
          answer: 'x',
        }),
      ),
    ).toBe('resolved');
    clock.set('2026-11-27T00:00:00.000Z');
    expect(await codeOf(answerPending(orchestrator, first.id))).toBe('resolved');
  });

  it('counts failed attempts against the budget', async () => {
    let down = true;
    const orchestrator = createOrchestrator({
      storage,
      llm: scriptedProvider(
        (request) =>
          down
            ? { error: Object.assign(new Error('boom'), { attempts: [paidFailure()] }) }
            : judge(request),
        { clock },
      ),
      workflows: [twoStageWorkflow],
      clock,
      budgets: { userDayUsd: 0.005 },
    });
    const session = await orchestrator.start(alice, { workflowId: 'two-stage', idea: 'Idea' });
    expect(await codeOf(answerPending(orchestrator, session.id))).toBe('llm_unavailable');
    down = false;
    expect(await codeOf(answerPending(orchestrator, session.id))).toBe('budget_exceeded');
  });
});

function paidFailure() {
  return {
    provider: 'anthropic',
    model: 'claude-haiku-5-5',
    tier: 'fast' as const,
    inputTokens: 50_000,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costUsd: 0.005,
    latencyMs: 10,
    outcome: 'error' as const,
    errorKind: 'stream_error',
    at: new Date(clock.now()).toISOString(),
  };
}
