import { z } from 'zod';

/** The five principles every project is assessed on, in charter order. */
export const PRINCIPLES = ['fairness', 'privacy', 'transparency', 'safety', 'humanAgency'] as const;
/** One of the five ethical principles. */
export type Principle = (typeof PRINCIPLES)[number];

/** Display names of the principles. */
export const PRINCIPLE_TITLES: Record<Principle, string> = {
  fairness: 'Fairness and equity',
  privacy: 'Privacy and data protection',
  transparency: 'Transparency and accountability',
  safety: 'Safety and resilience',
  humanAgency: 'Human agency and oversight',
};

/** A mitigation and its expected effectiveness (0 ≤ e < 1). */
export const mitigationSchema = z.object({
  description: z.string(),
  effectiveness: z
    .number()
    .min(0)
    .lt(1)
    .describe(
      'Expected share of the risk removed, from 0 up to but never 1 (no measure is perfect)',
    ),
});

/** A risk: severity 1–4, likelihood 1–4, who is affected, mitigations. */
export const riskSchema = z.object({
  description: z.string(),
  severity: z.number().int().min(1).max(4).describe('1 minor … 4 severe'),
  likelihood: z.number().int().min(1).max(4).describe('1 rare … 4 almost certain'),
  affectedStakeholders: z.array(z.string()),
  mitigations: z.array(mitigationSchema),
});

/** One risk with its severity, likelihood and mitigations. */
export type Risk = z.infer<typeof riskSchema>;

const principleRisks = z.array(riskSchema);

/** Stage 5's artifact as extracted; the governance decision is derived by rule. */
export const ethicalRiskExtractSchema = z.object({
  principles: z.object({
    fairness: principleRisks,
    privacy: principleRisks,
    transparency: principleRisks,
    safety: principleRisks,
    humanAgency: principleRisks,
  }),
  residualAcceptance: z.string().describe('Which residual risks are accepted, and who signs off'),
  monitoringPlan: z.string(),
  escalationTriggers: z.array(z.string()),
  shutdownTriggers: z.array(z.string()),
});

/** Stage 5's artifact as the LLM extracts it. */
export type EthicalRiskExtract = z.infer<typeof ethicalRiskExtractSchema>;
