import { z } from 'zod';

/** How a better model metric moves one KPI. */
export const causalPathwaySchema = z.object({
  metric: z.string().describe('The model metric that moves this KPI'),
  mechanism: z.string().describe('How a better metric moves the KPI'),
  assumptions: z.array(z.string()),
  failureModes: z.array(z.string()).describe('What would break the link'),
});

/** A business KPI, with the causal pathways that link model metrics to it. */
export const kpiSchema = z.object({
  name: z.string(),
  baseline: z.string().describe("Today's value, with its unit"),
  target: z.string().describe('The value to reach, with its unit'),
  timeFrame: z.string().describe('By when'),
  measurementMethod: z.string().describe('How and from which source it is measured'),
  businessImpact: z.string().describe('What reaching the target is worth'),
  pathways: z
    .array(causalPathwaySchema)
    .describe(
      'The causal pathways to this KPI: each model metric that moves it, how, on which assumptions, and what breaks the link',
    ),
});

/** Stage 2's artifact: how model quality connects to business value. */
export const metricAlignmentSchema = z.object({
  kpis: z.array(kpiSchema),
  modelMetrics: z.array(
    z.object({
      name: z.string().describe('e.g. recall, MAE'),
      threshold: z.string().describe('The value the model must reach'),
      measurement: z.string().describe('On which data and how it is measured'),
    }),
  ),
  actionability: z.object({
    windowHours: z.number().min(0).describe('How long users have to act on a prediction, in hours'),
    predictionLatencyHours: z
      .number()
      .min(0)
      .describe('How long after the input data exists a prediction is available, in hours'),
    description: z.string().describe('Who acts, how, and on what timeline'),
  }),
});

/** Stage 2's artifact. */
export type MetricAlignmentMatrix = z.infer<typeof metricAlignmentSchema>;
/** A business KPI with its baseline, target, time frame and causal pathways. */
export type Kpi = z.infer<typeof kpiSchema>;
/** How a model metric moves a KPI. */
export type CausalPathway = z.infer<typeof causalPathwaySchema>;
