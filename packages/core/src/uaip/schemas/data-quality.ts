import { z } from 'zod';

/** The six data-quality dimensions, each scored 0–10. */
export const QUALITY_DIMENSIONS = [
  'accuracy',
  'consistency',
  'completeness',
  'timeliness',
  'validity',
  'integrity',
] as const;

/** One of the six data-quality dimensions. */
export type QualityDimension = (typeof QUALITY_DIMENSIONS)[number];

const dimensionScore = z.number().int().min(0).max(10);

/** Stage 3's artifact as extracted; the feasibility is derived by rule. */
export const dataQualityExtractSchema = z.object({
  sources: z.array(
    z.object({
      name: z.string(),
      type: z.string().describe('e.g. relational database, event log, documents, images'),
      volume: z.string().describe('How much data, e.g. "2 M rows, 3 years"'),
      updateFrequency: z.string(),
      access: z.string().describe('Who grants access and how'),
    }),
  ),
  quality: z.object({
    accuracy: dimensionScore,
    consistency: dimensionScore,
    completeness: dimensionScore,
    timeliness: dimensionScore,
    validity: dimensionScore,
    integrity: dimensionScore,
  }),
  qualityNotes: z.string().describe('The reasons the user gave for the scores'),
  labeling: z.object({
    method: z.string().describe('Who labels and how'),
    cost: z.string(),
    time: z.string(),
    qualityAssurance: z.string(),
  }),
  fair: z.object({
    findable: z.boolean(),
    accessible: z.boolean(),
    interoperable: z.boolean(),
    reusable: z.boolean(),
    gaps: z.array(z.string()),
  }),
  infrastructure: z.object({
    readiness: z.enum(['ready', 'partial', 'missing']),
    description: z.string(),
  }),
});

/** Stage 3's artifact as the LLM extracts it. */
export type DataQualityExtract = z.infer<typeof dataQualityExtractSchema>;

/** The feasibility levels, best first. */
export const FEASIBILITY_LEVELS = ['high', 'medium', 'low', 'infeasible'] as const;
/** How feasible the project is on its data (and overall, in the charter). */
export type Feasibility = (typeof FEASIBILITY_LEVELS)[number];

/** The stored artifact: what was extracted, plus what the data-quality rule decided. */
export interface DataQualityScorecard extends DataQualityExtract {
  meanQuality: number;
  qualityPasses: boolean;
  /** Dimensions scored 4 or 5: allowed, but listed in the charter. */
  warnings: QualityDimension[];
  /** Dimensions scored below 4: the quality fails. */
  failing: QualityDimension[];
  fairPrinciplesMet: number;
  feasibility: Feasibility;
}
