import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  anthropicProvider,
  createMemoryStorage,
  createOrchestrator,
  defineWorkflow,
  fallbackChain,
  type LlmProvider,
  ollamaProvider,
} from '../index';
import {
  type FakeLlmServer,
  fixedClock,
  scriptedProvider,
  startFakeAnthropic,
  startFakeOllama,
} from '../testing/index';
import { goalStage, judge, twoStageWorkflow } from './fixtures.test-support';

const alice = { userId: 'alice' };
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const tracer = provider.getTracer('uaip-test');
const contextManager = new AsyncLocalStorageContextManager();
let claude: FakeLlmServer;
let ollama: FakeLlmServer;

beforeAll(async () => {
  context.setGlobalContextManager(contextManager.enable());
  claude = await startFakeAnthropic();
  ollama = await startFakeOllama();
});
afterAll(async () => {
  context.disable();
  await provider.shutdown();
  await claude.close();
  await ollama.close();
});
afterEach(() => exporter.reset());

const ANSWER = 'Cut monthly churn from 8% to 5% within two quarters, says Ada Lovelace';

function setup(
  llm: LlmProvider = scriptedProvider(judge, { clock: fixedClock() }),
  record = false,
) {
  const orchestrator = createOrchestrator({
    storage: createMemoryStorage(),
    llm,
    workflows: [twoStageWorkflow],
    clock: fixedClock(),
    tracing: { tracer, recordContent: record },
  });
  const start = () => orchestrator.start(alice, { workflowId: 'two-stage', idea: 'Churn' });
  return { orchestrator, start };
}

const named = (name: string) => exporter.getFinishedSpans().filter((span) => span.name === name);
const childrenOf = (parent: ReadableSpan) =>
  exporter
    .getFinishedSpans()
    .filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId);

/** Every attribute and event attribute of every span, as text. */
function everyValue(): string {
  return JSON.stringify(
    exporter
      .getFinishedSpans()
      .map((span) => [
        span.name,
        span.attributes,
        span.events.map((event) => [event.name, event.attributes]),
        span.status,
      ]),
  );
}

describe('tracing a turn', () => {
  it('makes a turn span with a CLIENT child per LLM attempt, by the GenAI conventions', async () => {
    const { orchestrator, start } = setup();
    const session = await start();
    let questionId = session.pendingQuestion!.id;
    const first = await orchestrator.answer(alice, session.id, { questionId, answer: ANSWER });
    questionId = first.session.pendingQuestion!.id;
    await orchestrator.answer(alice, session.id, { questionId, answer: 'metric=churn' });

    const turns = named('uaip.turn');
    expect(turns).toHaveLength(2);
    expect(turns[0]!.parentSpanContext).toBeUndefined();
    expect(turns[0]!.attributes).toEqual({
      'uaip.session.id': session.id,
      'uaip.turn.operation': 'answer',
      'uaip.workflow.id': 'two-stage',
      'uaip.workflow.version': '1',
      'uaip.stage.id': 'goal',
      'uaip.question.id': session.pendingQuestion!.id,
      'uaip.question.kind': 'question',
      'uaip.question.attempt': 1,
      'uaip.turn.outcome': 'accepted',
      'uaip.turn.score': 9,
      'uaip.turn.escalated': false,
      'uaip.llm.calls': 1,
      'uaip.cost_usd': 0.001,
    });
    const [scoring] = childrenOf(turns[0]!);
    expect(scoring).toMatchObject({
      name: 'chat scripted-model',
      kind: 2, // CLIENT
      status: { code: 0 },
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'scripted',
        'gen_ai.request.model': 'scripted-model',
        'gen_ai.conversation.id': session.id,
        'gen_ai.output.type': 'json',
        'gen_ai.usage.input_tokens': 100,
        'gen_ai.usage.output_tokens': 20,
        'uaip.cost_usd': 0.001,
        'uaip.llm.purpose': 'scoring',
        'uaip.llm.tier': 'fast',
        'uaip.llm.outcome': 'ok',
      },
    });
    expect(scoring!.spanContext().traceId).toBe(turns[0]!.spanContext().traceId);
    // The turn that completes the stage: scoring, then the artifact's extraction.
    expect(turns[1]!.attributes['uaip.turn.outcome']).toBe('stage_completed');
    expect(childrenOf(turns[1]!).map((span) => span.attributes['uaip.llm.purpose'])).toEqual([
      'scoring',
      'extraction',
    ]);
  });

  it('keeps prompts and answers out of the spans unless the host opts in', async () => {
    const { orchestrator, start } = setup();
    const session = await start();
    const questionId = session.pendingQuestion!.id;
    await orchestrator.answer(alice, session.id, { questionId, answer: ANSWER });
    expect(exporter.getFinishedSpans().length).toBeGreaterThan(1);
    expect(everyValue()).not.toContain('Ada Lovelace');
    expect(everyValue()).not.toContain('gen_ai.input.messages');

    exporter.reset();
    const opted = setup(undefined, true);
    const other = await opted.start();
    const pending = other.pendingQuestion!.id;
    await opted.orchestrator.answer(alice, other.id, { questionId: pending, answer: ANSWER });
    const [scoring] = named('chat scripted-model');
    const input = JSON.parse(String(scoring!.attributes['gen_ai.input.messages']));
    expect(input).toEqual([
      { role: 'user', parts: [{ type: 'text', content: expect.stringContaining(ANSWER) }] },
    ]);
    expect(JSON.parse(String(scoring!.attributes['gen_ai.system_instructions']))).toEqual([
      { type: 'text', content: expect.stringMatching(/\S/) },
    ]);
    const output = JSON.parse(String(scoring!.attributes['gen_ai.output.messages']));
    expect(output).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: expect.stringContaining('"score":9') }],
        finish_reason: 'stop',
      },
    ]);
  });

  it('traces a revision as a turn of its own, with the revision it starts', async () => {
    const { orchestrator, start } = setup();
    const session = await start();
    const questionId = session.pendingQuestion!.id;
    await orchestrator.answer(alice, session.id, { questionId, answer: ANSWER });
    const [turn] = await orchestrator.turns(alice, session.id);
    exporter.reset();
    const revised = await orchestrator.revise(alice, session.id, {
      turnId: turn!.id,
      answer: 'Cut churn to 4%',
    });
    const [span] = named('uaip.turn');
    expect(span!.attributes).toMatchObject({
      'uaip.turn.operation': 'revise',
      'uaip.revision.id': revised.revision!.id,
      'uaip.stage.id': 'goal',
    });
    expect(childrenOf(span!)).toHaveLength(1);
  });

  it("puts the finish step's calls under the turn that completes the session", async () => {
    const workflow = defineWorkflow({
      id: 'one-stage',
      version: '1',
      title: 'One stage',
      description: 'A goal, then a plan written by the finish step',
      stages: [goalStage],
      finish: ({ generate }) =>
        generate(z.object({ steps: z.array(z.string()) }), {
          purpose: 'plan',
          tier: 'balanced',
          system: 'Write the plan.',
          messages: [{ role: 'user', content: 'The plan, please' }],
        }),
    });
    const orchestrator = createOrchestrator({
      storage: createMemoryStorage(),
      llm: scriptedProvider(judge, { clock: fixedClock() }),
      workflows: [workflow],
      clock: fixedClock(),
      tracing: { tracer },
    });
    let session = await orchestrator.start(alice, { workflowId: 'one-stage', idea: 'Churn' });
    for (const answer of [ANSWER, 'metric=churn']) {
      const questionId = session.pendingQuestion!.id;
      session = (await orchestrator.answer(alice, session.id, { questionId, answer })).session;
    }
    expect(session.status).toBe('completed');
    const last = named('uaip.turn').at(-1)!;
    expect(last.attributes['uaip.turn.outcome']).toBe('session_completed');
    expect(childrenOf(last).map((span) => span.attributes['uaip.llm.purpose'])).toEqual([
      'scoring',
      'extraction',
      'plan',
    ]);
  });

  it("is a child of the host's active span, such as an HTTP request's", async () => {
    const { orchestrator, start } = setup();
    const session = await start();
    const questionId = session.pendingQuestion!.id;
    await tracer.startActiveSpan('POST /answers', async (request) => {
      await orchestrator.answer(alice, session.id, { questionId, answer: ANSWER });
      request.end();
    });
    const [request] = named('POST /answers');
    expect(named('uaip.turn')[0]!.parentSpanContext?.spanId).toBe(request!.spanContext().spanId);
  });

  it('records retries and the fallback as events, and each failed attempt as an error', async () => {
    const chain = fallbackChain(
      [
        anthropicProvider({ apiKey: 'sk-test', baseURL: claude.url }),
        ollamaProvider({ host: ollama.url }),
      ],
      { minDelayMs: 1, maxDelayMs: 2, random: () => 1 },
    );
    const { orchestrator, start } = setup(chain);
    const session = await start();
    claude.enqueue(...Array(3).fill({ kind: 'status', status: 529 }));
    ollama.enqueue({ kind: 'reply', text: '{"score":8,"issues":[],"followUp":""}' });
    const questionId = session.pendingQuestion!.id;
    await orchestrator.answer(alice, session.id, { questionId, answer: ANSWER });

    const [turn] = named('uaip.turn');
    expect(turn!.status.code).toBe(0);
    expect(turn!.events.map((event) => [event.name, event.attributes])).toEqual([
      [
        'uaip.llm.retry',
        {
          'gen_ai.provider.name': 'anthropic',
          'error.type': 'overloaded',
          'uaip.llm.retry.attempt': 1,
          'uaip.llm.retry.delay_ms': 1,
        },
      ],
      [
        'uaip.llm.retry',
        {
          'gen_ai.provider.name': 'anthropic',
          'error.type': 'overloaded',
          'uaip.llm.retry.attempt': 2,
          'uaip.llm.retry.delay_ms': 2,
        },
      ],
      [
        'uaip.llm.fallback',
        {
          'uaip.llm.fallback.from': 'anthropic',
          'uaip.llm.fallback.to': 'ollama',
          'error.type': 'overloaded',
        },
      ],
    ]);
    const attempts = childrenOf(turn!);
    expect(
      attempts.map((span) => [
        span.attributes['gen_ai.provider.name'],
        span.status.code,
        span.attributes['error.type'],
      ]),
    ).toEqual([
      ['anthropic', 2, 'overloaded'],
      ['anthropic', 2, 'overloaded'],
      ['anthropic', 2, 'overloaded'],
      ['ollama', 0, undefined],
    ]);
    expect(attempts[3]!.name).toBe('chat llama3.2');
  });

  it('records a failed turn: the exception, status ERROR and the error code', async () => {
    const chain = fallbackChain([anthropicProvider({ apiKey: 'sk-test', baseURL: claude.url })], {
      retries: 0,
    });
    const { orchestrator, start } = setup(chain);
    const session = await start();
    claude.enqueue({ kind: 'status', status: 500 });
    const questionId = session.pendingQuestion!.id;
    await expect(
      orchestrator.answer(alice, session.id, { questionId, answer: ANSWER }),
    ).rejects.toThrow(/No language model could answer/);
    const [turn] = named('uaip.turn');
    expect(turn!.status).toEqual({ code: 2, message: expect.stringMatching(/No language model/) });
    expect(turn!.attributes['error.type']).toBe('llm_unavailable');
    expect(turn!.events.map((event) => event.name)).toEqual(['exception']);
    expect(childrenOf(turn!)[0]!.attributes['error.type']).toBe('server_error');
    expect(everyValue()).not.toContain('Ada Lovelace');
  });
});
