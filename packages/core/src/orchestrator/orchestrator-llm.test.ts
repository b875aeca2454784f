import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  anthropicProvider,
  createMemoryStorage,
  createOrchestrator,
  demoProvider,
  fallbackChain,
  ollamaProvider,
  type SessionEvent,
  UaipError,
} from '../index';
import { type FakeLlmServer, startFakeAnthropic, startFakeOllama } from '../testing/index';
import { twoStageWorkflow } from './fixtures.test-support';

const alice = { userId: 'alice' };
let claude: FakeLlmServer;
let ollama: FakeLlmServer;

beforeAll(async () => {
  claude = await startFakeAnthropic();
  ollama = await startFakeOllama();
});
afterAll(async () => {
  await claude.close();
  await ollama.close();
});

function setup() {
  const storage = createMemoryStorage();
  const llm = fallbackChain(
    [
      anthropicProvider({ apiKey: 'sk-test', baseURL: claude.url }),
      ollamaProvider({ host: ollama.url }),
    ],
    { minDelayMs: 1, maxDelayMs: 2 },
  );
  return {
    storage,
    orchestrator: createOrchestrator({ storage, llm, workflows: [twoStageWorkflow] }),
  };
}

describe('a turn on the real LLM chain', () => {
  it('counts what a turn cost when the caller hangs up mid-stream (no budget dodging)', async () => {
    const { orchestrator } = setup();
    const session = await orchestrator.start(alice, { workflowId: 'two-stage', idea: 'Churn' });
    claude.enqueue({ kind: 'stall', partialText: '{"score":' });
    const hangUp = new AbortController();
    const turn = orchestrator
      .answer(
        alice,
        session.id,
        { questionId: session.pendingQuestion!.id, answer: 'An answer' },
        { signal: hangUp.signal },
      )
      .catch((caught: unknown) => caught);
    await vi.waitFor(() => expect(claude.generationRequests().length).toBeGreaterThan(0));
    // Let the stream's opening events (with the prompt's token count) arrive.
    await new Promise((resolve) => setTimeout(resolve, 50));
    hangUp.abort(new Error('client closed the connection'));
    expect(await turn).toBeInstanceOf(Error);
    const usage = await orchestrator.usage(alice, session.id);
    expect(usage.total.calls).toBe(1);
    expect(usage.total.inputTokens).toBeGreaterThan(0);
    expect((await orchestrator.get(alice, session.id)).version).toBe(session.version);
  });

  it("turns a model's refusal into a clear 400 about the answer, keeps the session, counts the call", async () => {
    const { orchestrator } = setup();
    const session = await orchestrator.start(alice, { workflowId: 'two-stage', idea: 'Churn' });
    const before = await orchestrator.get(alice, session.id);
    const ollamaCalls = ollama.generationRequests().length;
    claude.enqueue({ kind: 'reply', text: '', stopReason: 'refusal', inputTokens: 900 });
    const error = await orchestrator
      .answer(alice, session.id, { questionId: session.pendingQuestion!.id, answer: 'An answer' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UaipError);
    expect(error).toMatchObject({
      code: 'validation_failed',
      message: expect.stringMatching(/declined to process this answer/),
      details: [{ path: 'answer', message: expect.any(String) }],
    });
    expect(ollama.generationRequests().length).toBe(ollamaCalls);
    const after = await orchestrator.get(alice, session.id);
    expect(after.pendingQuestion).toEqual(before.pendingQuestion);
    expect(after.version).toBe(before.version);
    expect((await orchestrator.usage(alice, session.id)).total.inputTokens).toBe(900);
  });

  it('falls back from a failing Claude to Ollama, tells subscribers, and records every attempt', async () => {
    const { storage, orchestrator } = setup();
    const session = await orchestrator.start(alice, {
      workflowId: 'two-stage',
      idea: 'Predict churn',
    });
    const events: SessionEvent[] = [];
    await orchestrator.subscribe(alice, session.id, (event) => events.push(event));
    claude.enqueue(
      { kind: 'status', status: 529 },
      { kind: 'status', status: 529 },
      { kind: 'status', status: 529 },
    );
    ollama.enqueue({
      kind: 'reply',
      text: '{"score":8,"issues":[],"followUp":""}',
      inputTokens: 300,
      outputTokens: 20,
    });

    const result = await orchestrator.answer(alice, session.id, {
      questionId: session.pendingQuestion!.id,
      answer: 'Cut monthly churn from 8% to 5% within two quarters',
    });
    expect(result.outcome.kind).toBe('accepted');
    const turns = await orchestrator.turns(alice, session.id);
    expect(turns[0]).toMatchObject({ provider: 'ollama', model: 'llama3.2', score: 8 });
    expect(events.filter((event) => event.type === 'llm.fallback')).toEqual([
      expect.objectContaining({ from: 'anthropic', to: 'ollama', reason: 'overloaded' }),
    ]);
    const ledger = await storage.listUsage('alice', session.id);
    expect(ledger.map((call) => `${call.provider}:${call.outcome}:${call.purpose}`)).toEqual([
      'anthropic:error:scoring',
      'anthropic:error:scoring',
      'anthropic:error:scoring',
      'ollama:ok:scoring',
    ]);
    expect(result.session.usage).toMatchObject({ inputTokens: 300, outputTokens: 20, costUsd: 0 });
  });

  it('answers llm_unavailable when both are down, and the session is exactly as it was', async () => {
    const { storage, orchestrator } = setup();
    const session = await orchestrator.start(alice, {
      workflowId: 'two-stage',
      idea: 'Predict churn',
    });
    claude.enqueue(...Array(3).fill({ kind: 'status', status: 500 }));
    ollama.enqueue(...Array(3).fill({ kind: 'reset' }));
    const error = await orchestrator
      .answer(alice, session.id, { questionId: session.pendingQuestion!.id, answer: 'Cut churn' })
      .catch((caught: unknown) => caught);
    expect(UaipError.isInstance(error) && error.code).toBe('llm_unavailable');
    const after = await orchestrator.get(alice, session.id);
    expect({ ...after, usage: session.usage }).toEqual(session);
    expect(await storage.listUsage('alice', session.id)).toHaveLength(6);
  });
});

describe('the demo provider', () => {
  it('runs a whole session offline: a vague answer gets a follow-up, the artifacts come from the answers', async () => {
    const orchestrator = createOrchestrator({
      storage: createMemoryStorage(),
      llm: demoProvider(),
      workflows: [twoStageWorkflow],
    });
    let session = await orchestrator.start(alice, {
      workflowId: 'two-stage',
      idea: 'Predict churn for a telecom',
    });
    const answer = async (text: string) => {
      const result = await orchestrator.answer(alice, session.id, {
        questionId: session.pendingQuestion!.id,
        answer: text,
      });
      session = result.session;
      return result.outcome;
    };
    expect((await answer('not sure, maybe')).kind).toBe('follow_up');
    expect(
      (
        await answer(
          'Reduce monthly churn of prepaid customers from 8% to 5% by June 2027, measured in the billing system',
        )
      ).kind,
    ).toBe('accepted');
    await answer(
      'Churn rate per month from the billing warehouse, baseline 8% in 2026, target 5%, reviewed every 30 days by finance',
    );
    await answer(
      'Train a gradient boosted model on 24 months of usage data, then run a 6 week retention pilot with 2 regions',
    );
    expect(session.status).toBe('completed');
    expect(JSON.stringify(session.stages[0]!.artifact)).toMatch(/8%|billing|churn/i);
    const turns = await orchestrator.turns(alice, session.id);
    expect(turns.every((turn) => turn.provider === 'demo')).toBe(true);
  });
});
