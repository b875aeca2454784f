import { sessionExportSchema } from '../export/schema';
import {
  createOrchestrator,
  defineWorkflow,
  type LlmProvider,
  type LlmRequest,
  type Orchestrator,
  type Principal,
} from '../index';
import { defaultPrompts } from '../orchestrator/default-prompts';
import { answerIn, goalStage, planStage } from '../orchestrator/fixtures.test-support';
import { createMemoryStorage } from '../storage/memory-storage';
import type { ScriptedReply } from '../testing/index';
import { fixedClock, scriptedProvider, sequentialIds } from '../testing/index';

const finish = async ({ stages }: { stages: Array<{ gate: { passed: boolean } | null }> }) => ({
  outcome: stages.every((stage) => stage.gate?.passed !== false) ? 'go' : 'revise',
});

/** Version 1: the engine's default prompts; the outcome is `go` when every gate passed. */
export const launchV1 = defineWorkflow({
  id: 'launch',
  version: '1',
  title: 'Launch',
  description: 'A goal, then a plan',
  stages: [goalStage, planStage],
  finish,
});

/** Version 2: the same, with a scoring prompt that asks for strictness. */
export const launchV2 = defineWorkflow({
  ...launchV1,
  version: '2',
  prompts: {
    ...defaultPrompts,
    version: 'strict-2',
    scoring: (input) => {
      const parts = defaultPrompts.scoring(input);
      return { ...parts, system: `${parts.system}\nBe strict: take 3 points off.` };
    },
  },
});

/**
 * A scripted model: an answer with `score:N` gets N (else 9), 3 less under a strict prompt,
 * or `lenient` whatever it says; extraction takes the metric from a `metric=` in the answers
 * it is given. Each call costs $0.001 and 100 + 20 tokens.
 */
export function launchJudge(clock = fixedClock(), lenient?: number): LlmProvider {
  const reply = (json: unknown): ScriptedReply => ({
    json,
    inputTokens: 100,
    outputTokens: 20,
    costUsd: 0.001,
  });
  return scriptedProvider(
    (request: LlmRequest) => {
      const content = request.messages.map((message) => message.content).join('\n');
      if (request.output?.name === 'scoring') {
        const given = Number(/score:(\d+)/.exec(answerIn(request))?.[1] ?? 9);
        const strict = request.system.includes('Be strict') ? 3 : 0;
        const score = lenient ?? Math.max(0, given - strict);
        return reply({ score, issues: score < 7 ? ['Too vague'] : [], followUp: 'Which metric?' });
      }
      if (content.includes('Stage: Goal'))
        return reply({ objective: 'cut churn', metric: /metric=(\w+)/.exec(content)?.[1] ?? '' });
      return reply({ steps: ['train a model', 'ship it'] });
    },
    { clock, id: lenient === undefined ? 'judge' : 'lenient' },
  );
}

/**
 * The session exported by the orchestrator, as the `uaip replay` command reads it from a file:
 * through JSON, then the session export schema.
 */
export async function exported(orchestrator: Orchestrator, principal: Principal, id: string) {
  const document = await orchestrator.exportSession(principal, id);
  return sessionExportSchema.parse(JSON.parse(JSON.stringify(document)));
}

/** An accepted answer revised after the session completed, by its place among the answers. */
export interface LaunchRevision {
  /** The index in `answers` of the answer revised. */
  of: number;
  answer: string;
}

/**
 * Records a session of `launchV1` answered from `answers` (one per question asked, in order),
 * then revises the answers of `revisions` in order, and exports it with the orchestrator.
 */
export async function recordLaunch(
  answers: string[],
  llm = launchJudge(),
  revisions: LaunchRevision[] = [],
) {
  const clock = fixedClock('2026-03-01T09:00:00Z');
  const orchestrator = createOrchestrator({
    storage: createMemoryStorage(),
    llm,
    workflows: [launchV1],
    clock,
    generateId: sequentialIds(),
  });
  const user = { userId: 'u1' };
  let session = await orchestrator.start(user, { workflowId: 'launch', idea: 'Cut churn' });
  for (const answer of answers) {
    const question = session.pendingQuestion;
    if (!question) throw new Error('recordLaunch: more answers than questions');
    session = (await orchestrator.answer(user, session.id, { questionId: question.id, answer }))
      .session;
  }
  if (session.pendingQuestion) throw new Error('recordLaunch: the session is not completed');
  for (const revision of revisions) {
    const turns = await orchestrator.turns(user, session.id);
    const turn = turns.find((candidate) => candidate.answer === answers[revision.of]);
    if (!turn) throw new Error(`recordLaunch: no answer ${revision.of} to revise`);
    session = (
      await orchestrator.revise(user, session.id, { turnId: turn.id, answer: revision.answer })
    ).session;
    if (session.pendingQuestion || session.revision)
      throw new Error('recordLaunch: the revision was not accepted at once');
  }
  return exported(orchestrator, user, session.id);
}
