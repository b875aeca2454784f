import { z } from 'zod';

const phase = z.object({
  touchpoints: z.array(z.string()),
  decisionPoints: z.array(z.string()),
  riskAreas: z.array(z.string()),
});

export const INTERPRETABILITY_LEVELS = ['high', 'medium', 'low'] as const;
export type InterpretabilityLevel = (typeof INTERPRETABILITY_LEVELS)[number];

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
    regulations: z.array(z.string()),
    criticality: z.string().describe('What is at stake in the decisions'),
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
