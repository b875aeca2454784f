import { defineStage, defineWorkflow } from '@uaip/core';
import { z } from 'zod';

/** A short two-stage workflow: what the idea is, then how to try it. */
export const ideaCheck = defineWorkflow({
  id: 'idea-check',
  version: '1',
  title: 'Idea check',
  description: 'Sharpen an idea, then plan a first experiment',
  stages: [
    defineStage({
      id: 'problem',
      title: 'Problem',
      description: 'Who has the problem and how it is measured today',
      topics: [
        { id: 'who', question: 'Who has this problem, and how often?' },
        {
          id: 'measure',
          question: 'How do you measure the problem today (a number and its source)?',
        },
      ],
      artifact: z.object({ who: z.string(), measure: z.string() }),
      gate: (artifact) =>
        /\d/.test(artifact.measure)
          ? { passed: true, missing: [] }
          : { passed: false, missing: ['a current figure for the problem'] },
    }),
    defineStage({
      id: 'experiment',
      title: 'Experiment',
      description: 'The smallest test that would prove the idea',
      topics: [
        {
          id: 'test',
          question: ({ artifacts }) =>
            `What is the smallest experiment that would show progress for "${(artifacts.problem as { who: string }).who}"?`,
        },
      ],
      artifact: z.object({ test: z.string() }),
    }),
  ],
});
