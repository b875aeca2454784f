import type { FinishContext } from '../index';
import { reviewPrompt } from './prompts/review';
import { summaryPrompt } from './prompts/summary';
import {
  type ConsistencyReview,
  consistencyReviewSchema,
  executiveSummarySchema,
} from './schemas/review';
import type { EthicalRiskReport } from './stages/ethical-governance';

/** What the U-AIP workflow keeps as the session's result. */
export interface UaipResult {
  consistencyReview: ConsistencyReview;
  executiveSummary: string;
}

/** After stage 5: the consistency review, then the charter's executive summary. */
export async function finishUaip(context: FinishContext): Promise<UaipResult> {
  const consistencyReview = await context.generate(consistencyReviewSchema, {
    purpose: 'consistency_review',
    tier: 'balanced',
    ...reviewPrompt(context),
  });
  const governance = (context.artifacts['ethical-governance'] as EthicalRiskReport).governance;
  const summary = await context.generate(executiveSummarySchema, {
    purpose: 'charter_summary',
    tier: 'balanced',
    ...summaryPrompt(context, governance, consistencyReview),
  });
  return { consistencyReview, executiveSummary: summary.executiveSummary };
}
