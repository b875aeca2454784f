import { z } from 'zod';

const phase = z.object({
  touchpoints: z.array(z.string()),
  decisionPoints: z.array(z.string()),
  riskAreas: z.array(z.string()),
});

export const INTERPRETABILITY_LEVELS = ['high', 'medium', 'low'] as const;
export type InterpretabilityLevel = (typeof INTERPRETABILITY_LEVELS)[number];

const affects = (what: string) =>
  z
    .boolean()
    .describe(
      `Whether the predictions decide or change ${what}. True only when the answers say so; false when they say nothing about it or say it is not affected`,
    );

/**
 * What the predictions decide for people: the high-stakes areas where the interpretability
 * rule requires high explainability. Filled by the extraction from what the user said.
 */
export const stakesSchema = z
  .object({
    credit: affects("people's access to credit, loans, insurance or other financial services"),
    hiring: affects("people's hiring, promotion, pay or dismissal (employment)"),
    medical: affects("people's health care: access to it, a diagnosis or a treatment"),
    housing: affects("people's access to housing"),
    education: affects("people's admission to or progress in education"),
    legal: affects("people's legal position (law enforcement, courts, benefits, immigration)"),
    safety: affects("people's physical safety"),
  })
  .describe(
    "Does the output affect people's access to credit, employment, health care, housing or education, their legal position or their safety?",
  );

/** The high-stakes areas a project's predictions affect. */
export type Stakes = z.infer<typeof stakesSchema>;

/** Stage 4's artifact as extracted; the required interpretability is enforced by rule. */
export const userContextExtractSchema = z.object({
  personas: z.array(
    z.object({
      role: z.string(),
      goals: z.array(z.string()),
      painPoints: z.array(z.string()),
      proficiency: z.enum(['novice', 'intermediate', 'expert']),
      frequency: z.string().describe('How often they would use the predictions'),
      decisionAuthority: z.string().describe('What they may decide on their own'),
      researchEvidence: z
        .string()
        .describe('Interviews, observations or data behind this persona; empty when none'),
    }),
  ),
  journey: z.object({ before: phase, during: phase, after: phase }),
  interpretability: z.object({
    level: z.enum(INTERPRETABILITY_LEVELS),
    scope: z
      .enum(['global', 'local', 'both'])
      .describe('Explain the model overall, each prediction, or both'),
    method: z.string(),
    audience: z.string(),
    regulations: z.array(z.string()).describe('The regulations that apply, by name'),
    criticality: z.string().describe('What is at stake in the decisions'),
    affects: stakesSchema,
  }),
  feedback: z.array(
    z.object({
      mechanism: z.string(),
      retrainingTrigger: z.string(),
    }),
  ),
});

/** Stage 4's artifact as the LLM extracts it. */
export type UserContextExtract = z.infer<typeof userContextExtractSchema>;

/** The stored artifact: the extracted context with the interpretability rule applied. */
export interface UserContext extends UserContextExtract {
  /** Why the rule raised the level to high, when it did. */
  interpretabilityRaisedBecause: string[];
}
