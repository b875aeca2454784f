import { z } from 'zod';

/** The ML task types a project can be. */
export const ML_ARCHETYPES = [
  'classification',
  'regression',
  'clustering',
  'recommendation',
  'anomaly_detection',
  'nlp',
  'computer_vision',
  'time_series_forecasting',
] as const;

/** What a model predicts: a yes/no, one of several categories, a number, or a probability. */
export const OUTPUT_TYPES = ['binary', 'categorical', 'continuous', 'probability'] as const;

export const inputFeatureSchema = z.object({
  name: z.string().describe('The input, e.g. "days since last login"'),
  type: z.string().describe('numeric, categorical, text, image, date, ...'),
  source: z.string().describe('The system or data set it comes from'),
  availableInProduction: z
    .boolean()
    .describe('Whether it is available at the moment a prediction is needed'),
  accessLatency: z
    .string()
    .describe('How fresh it is when read, e.g. "real time", "nightly batch"'),
});

/** Stage 1's artifact: the business problem translated into an ML problem. */
export const problemStatementSchema = z.object({
  businessObjective: z.string().describe("The objective and why it matters, in the user's words"),
  successMeasure: z.string().describe('How the business will know it succeeded'),
  aiJustification: z.string().describe('Why machine learning rather than rules or a report'),
  alternativesTried: z.array(z.string()).describe('What was tried before and what happened'),
  inputFeatures: z.array(inputFeatureSchema),
  targetOutput: z.object({
    name: z.string().describe('What is predicted'),
    type: z.enum(OUTPUT_TYPES),
    description: z.string(),
  }),
  mlArchetype: z.enum(ML_ARCHETYPES),
  archetypeJustification: z
    .string()
    .describe("Why this task type, taken from the user's answer, not guessed from keywords"),
  scope: z.object({
    inScope: z.array(z.string()),
    outOfScope: z.array(z.string()),
    assumptions: z.array(z.string()),
    constraints: z.array(z.string()),
  }),
});

/** Stage 1's artifact. */
export type ProblemStatement = z.infer<typeof problemStatementSchema>;
/** An ML task type. */
export type MlArchetype = (typeof ML_ARCHETYPES)[number];
