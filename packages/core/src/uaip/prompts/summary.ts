import type { PromptParts, StageContext } from '../../index';
import { delimit } from '../../index';
import type { CharterDecision } from '../rules/charter-decision';
import type { ConsistencyReview } from '../schemas/review';
import { keyFacts } from './facts';
import { DATA_NOT_INSTRUCTIONS, projectBlock, recordsBlock } from './shared';

const SYSTEM = `You write the executive summary of an AI Project Charter (U-AIP) for a decision maker: three to six plain sentences covering the objective, the value expected (with the KPI targets), the data readiness, the users, and the decision with its main reason (the decision in the key facts is final: a failed gate caps it at revise). Use only the records given; no hype, no figures that are not in them.
${DATA_NOT_INSTRUCTIONS}
Reply with a JSON object only.`;

/** The charter summary prompt (balanced tier). */
export function summaryPrompt(
  context: StageContext,
  decision: CharterDecision,
  review: ConsistencyReview,
): PromptParts {
  const parts = [
    projectBlock(context),
    recordsBlock(context),
    `Key facts (from the records): ${delimit('record', keyFacts(context, decision))}`,
    `Consistency review: ${delimit('record', JSON.stringify(review))}`,
  ];
  return { system: SYSTEM, messages: [{ role: 'user', content: parts.join('\n\n') }] };
}
