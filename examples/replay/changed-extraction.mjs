// The deliberately changed prompt of docs/replay.md, as a module for `uaip replay --workflows`:
// a U-AIP version 3 whose extraction prompt keeps only the first sentence of each answer (to
// save tokens). Everything else is U-AIP version 2. Replayed against a session recorded on
// version 2, it loses what later sentences said (inputs, sources, ...), so gates fail and the
// decision changes:
//
//   uaip replay session.json --workflows examples/replay/changed-extraction.mjs \
//     --workflow-version 3 --provider demo
import { uaipWorkflow } from '@uaip/core/uaip';

/** The first sentence of a text: up to the first `.`, `!`, `?` or `;` followed by a space. */
export const firstSentence = (text) => text.trim().split(/(?<=[.!?;])\s+/)[0];

const prompts = uaipWorkflow.prompts;

export const changedExtraction = {
  ...uaipWorkflow,
  version: '3',
  prompts: {
    ...prompts,
    version: 'uaip-first-sentence',
    extraction: (input) =>
      prompts.extraction({
        ...input,
        answers: input.answers.map((topic) => ({
          ...topic,
          answers: topic.answers.map(firstSentence),
        })),
      }),
  },
};

// Version 2 as well, so sessions can also be replayed on the version they were recorded on.
export const workflows = [uaipWorkflow, changedExtraction];
