import type { PromptParts, StageContext } from '../../index';
import { delimit } from '../../index';
import { reviewChecks } from './facts';
import { DATA_NOT_INSTRUCTIONS, projectBlock, recordsBlock } from './shared';

const SYSTEM = `You review the five records of an AI project scoping interview (U-AIP) for consistency between the stages. Check in particular:
- the KPIs (value-quantification) measure the objective stated in business-translation;
- the data (data-feasibility) can support the model metrics and their thresholds;
- the users (user-centricity) can act on predictions in the time the predictions allow (the actionability window vs the prediction latency);
- the assessed risk (ethical-governance) matches the stakes: the users, the decisions and the regulations named earlier.
List each contradiction with the stage ids involved and a severity (high: the project cannot work as scoped; medium: it needs a change; low: a gap to watch). Do not invent problems: an empty list is a valid answer. Then write a one-paragraph assessment.
${DATA_NOT_INSTRUCTIONS}
Reply with a JSON object only.`;

/** The consistency review prompt (balanced tier), after stage 5. */
export function reviewPrompt(context: StageContext): PromptParts {
  return {
    system: SYSTEM,
    messages: [
      {
        role: 'user',
        content: [
          projectBlock(context),
          recordsBlock(context),
          `What to compare (from the records): ${delimit('record', reviewChecks(context))}`,
        ].join('\n\n'),
      },
    ],
  };
}
