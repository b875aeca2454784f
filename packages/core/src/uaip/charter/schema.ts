import { z } from 'zod';
import {
  dataQualityExtractSchema,
  FEASIBILITY_LEVELS,
  QUALITY_DIMENSIONS,
} from '../schemas/data-quality';
import { ethicalRiskExtractSchema, PRINCIPLES } from '../schemas/ethical-risk';
import { metricAlignmentSchema } from '../schemas/metric-alignment';
import { ML_ARCHETYPES, problemStatementSchema } from '../schemas/problem-statement';
import { consistencyReviewSchema } from '../schemas/review';
import { userContextExtractSchema } from '../schemas/user-context';

const level = z.enum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
const decision = z.enum([
  'proceed',
  'proceed_with_monitoring',
  'revise',
  'submit_to_committee',
  'halt',
]);
const principle = z.enum(PRINCIPLES);
const assessedRisk = z.object({
  initial: z.number(),
  initialLevel: level,
  mitigation: z.number(),
  residual: z.number(),
  residualLevel: level,
});
const governance = z.object({
  decision,
  levels: z.record(principle, level),
  requiresCommitteeReview: z.boolean(),
  reasoning: z.string(),
});
const figures = {
  calls: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number(),
};

/** The AI Project Charter as JSON: what the Markdown and HTML pages are rendered from. */
export const charterSchema = z.object({
  kind: z.literal('uaip-charter'),
  title: z.string(),
  idea: z.string(),
  date: z.string(),
  sessionId: z.string(),
  workflowVersion: z.string(),
  producedBy: z.object({
    providers: z.array(z.object({ provider: z.string(), model: z.string() })),
    demo: z.boolean(),
    notice: z.string().nullable(),
  }),
  /**
   * The charter's decision: the ethical governance decision capped at `revise` while a stage's
   * gate failed (`failedGates`), with that governance decision kept as `ethicalDecision`.
   */
  decision: governance.extend({
    feasibility: z.enum(FEASIBILITY_LEVELS),
    failedGates: z.array(z.string()),
    ethicalDecision: z.object({ decision, reasoning: z.string() }),
  }),
  quickFacts: z.object({
    archetype: z.enum(ML_ARCHETYPES),
    primaryKpi: z.string().nullable(),
    meanDataQuality: z.number(),
    highestResidualRisk: z.object({ principle, level, residual: z.number() }).nullable(),
    decision,
  }),
  executiveSummary: z.string(),
  stages: z.object({
    businessTranslation: problemStatementSchema,
    valueQuantification: metricAlignmentSchema,
    dataFeasibility: dataQualityExtractSchema.extend({
      meanQuality: z.number(),
      qualityPasses: z.boolean(),
      warnings: z.array(z.enum(QUALITY_DIMENSIONS)),
      failing: z.array(z.enum(QUALITY_DIMENSIONS)),
      fairPrinciplesMet: z.number().int().min(0).max(4),
      feasibility: z.enum(FEASIBILITY_LEVELS),
    }),
    userCentricity: userContextExtractSchema.extend({
      interpretabilityRaisedBecause: z.array(z.string()),
    }),
    ethicalGovernance: ethicalRiskExtractSchema.extend({
      assessed: z.record(principle, z.array(assessedRisk)),
      governance,
    }),
  }),
  gates: z.array(
    z.object({
      stageId: z.string(),
      title: z.string(),
      passed: z.boolean(),
      missing: z.array(z.string()),
    }),
  ),
  consistencyReview: consistencyReviewSchema,
  openItems: z.array(
    z.object({
      kind: z.enum(['failed_gate', 'escalated_answer', 'warning', 'contradiction']),
      stageId: z.string().nullable(),
      description: z.string(),
    }),
  ),
  usage: z.object({
    ...figures,
    cacheReadTokens: z.number(),
    cacheWriteTokens: z.number(),
    unpricedCalls: z.number(),
    byProvider: z.array(z.object({ provider: z.string(), model: z.string(), ...figures })),
  }),
  approval: z.object({
    approvers: z.array(z.string()),
    /** The committee review, when one was requested: its current round. */
    review: z
      .object({
        round: z.number(),
        status: z.enum(['open', 'approved', 'rejected', 'closed']),
        /** The decision the reviewers were asked about, in words. */
        reviewedDecision: z.string().nullable(),
        requestedAt: z.string(),
        note: z.string().nullable(),
        approvalsRequired: z.number(),
        approvals: z.number(),
        rejections: z.number(),
        reviewers: z.array(
          z.object({
            name: z.string(),
            vote: z.enum(['approve', 'reject']).nullable(),
            comment: z.string().nullable(),
            votedAt: z.string().nullable(),
          }),
        ),
        decidedBy: z.string().nullable(),
        decidedAt: z.string().nullable(),
        closedReason: z.enum(['revised', 'replaced']).nullable(),
        /** False when the session changed after this round began. */
        upToDate: z.boolean(),
        earlierRounds: z.number(),
      })
      .nullable()
      .default(null),
  }),
});

/** The AI Project Charter. */
export type Charter = z.infer<typeof charterSchema>;
