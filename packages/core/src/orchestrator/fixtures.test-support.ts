import { z } from 'zod';
import { defineStage, defineTopic, defineWorkflow, type LlmRequest } from '../index';
import type { ScriptedReply } from '../testing/index';

/** A small two-stage workflow for the engine's tests. */
export const goalStage = defineStage({
  id: 'goal',
  title: 'Goal',
  description: 'What the project should achieve',
  topics: [
    defineTopic({ id: 'objective', question: 'What is the objective?' }),
    defineTopic({ id: 'measure', question: 'How will success be measured?' }),
  ],
  artifact: z.object({ objective: z.string(), metric: z.string() }),
  gate: (artifact) =>
    artifact.metric.trim() === ''
      ? { passed: false, missing: ['a success metric'] }
      : { passed: true, missing: [] },
});

export const planStage = defineStage({
  id: 'plan',
  title: 'Plan',
  description: 'How to get there',
  topics: [
    defineTopic({
      id: 'steps',
      question: ({ artifacts }) =>
        `What are the steps to reach "${(artifacts.goal as { objective: string }).objective}"?`,
    }),
  ],
  artifact: z.object({ steps: z.array(z.string()).min(1) }),
});

export const twoStageWorkflow = defineWorkflow({
  id: 'two-stage',
  version: '1',
  title: 'Two stages',
  description: 'A goal, then a plan',
  stages: [goalStage, planStage],
});

/** The user's answer inside a scoring request. */
export function answerIn(request: LlmRequest): string {
  const content = request.messages.at(-1)!.content;
  return /Answer to score: <answer>([\s\S]*)<\/answer>/.exec(content)![1]!;
}

/**
 * A scripted judge: an answer containing `score:N` gets N (else 9); extraction builds the
 * artifact from the answers, leaving the metric empty while an answer says `no-metric`.
 */
export function judge(request: LlmRequest): ScriptedReply {
  const content = request.messages.map((message) => message.content).join('\n');
  if (request.output?.name === 'scoring') {
    const score = Number(/score:(\d+)/.exec(answerIn(request))?.[1] ?? 9);
    return {
      json: { score, issues: score < 7 ? ['Too vague'] : [], followUp: 'Which figure exactly?' },
      inputTokens: 100,
      outputTokens: 20,
      costUsd: 0.001,
    };
  }
  if (content.includes('Stage: Goal')) {
    const lastWord = /metric=(\w+)/.exec(content)?.[1] ?? '';
    return {
      json: { objective: 'cut churn', metric: lastWord },
      inputTokens: 300,
      outputTokens: 50,
      costUsd: 0.01,
    };
  }
  return {
    json: { steps: ['train a model', 'ship it'] },
    inputTokens: 300,
    outputTokens: 50,
    costUsd: 0.01,
  };
}
