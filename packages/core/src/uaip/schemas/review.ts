import { z } from 'zod';

/** The consistency review after stage 5: contradictions between the stages. */
export const consistencyReviewSchema = z.object({
  contradictions: z
    .array(
      z.object({
        stages: z.array(z.string()).describe('The stage ids involved'),
        description: z.string(),
        severity: z.enum(['low', 'medium', 'high']),
      }),
    )
    .describe('The contradictions found; an empty list when there are none'),
  assessment: z.string().describe('One paragraph: how well the stages fit together'),
});

/** The consistency review of the five artifacts. */
export type ConsistencyReview = z.infer<typeof consistencyReviewSchema>;

/** The charter's executive summary, written from the artifacts. */
export const executiveSummarySchema = z.object({
  executiveSummary: z.string().describe('Three to six sentences for a decision maker'),
});
