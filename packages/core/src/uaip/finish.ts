import type { FinishContext } from '../index';
import { reviewPrompt } from './prompts/review';
import { summaryPrompt } from './prompts/summary';
import { type CharterDecision, charterDecision } from './rules/charter-decision';
import { DECISION_TITLES } from './rules/governance';
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
  /** The charter's decision in words ("Revise"), shown in session lists. */
  outcome: string;
}

/**
 * After stage 5: the charter's decision (governance capped by failed gates), the consistency
 * review, then the executive summary, which is told the decision the charter will carry.
 */
export async function finishUaip(context: FinishContext): Promise<UaipResult> {
  const consistencyReview = await context.generate(consistencyReviewSchema, {
    purpose: 'consistency_review',
    tier: 'balanced',
    ...reviewPrompt(context),
  });
  const governance = (context.artifacts['ethical-governance'] as EthicalRiskReport).governance;
  const decision: CharterDecision = charterDecision(
    governance,
    context.stages.map((stage) => ({
      title: stage.title,
      passed: stage.gate?.passed ?? true,
      missing: stage.gate?.missing ?? [],
    })),
  );
  const summary = await context.generate(executiveSummarySchema, {
    purpose: 'charter_summary',
    tier: 'balanced',
    ...summaryPrompt(context, decision, consistencyReview),
  });
  return {
    consistencyReview,
    executiveSummary: summary.executiveSummary,
    outcome: DECISION_TITLES[decision.decision],
  };
}
