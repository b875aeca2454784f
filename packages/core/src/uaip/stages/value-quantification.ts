import { defineStage } from '../../index';
import { metricAlignmentGate } from '../rules/gates';
import { metricAlignmentSchema } from '../schemas/metric-alignment';
import { ARCHETYPE_NAMES, gapText, METRIC_EXAMPLES, metricsOf, problemOf } from './context';

/** Stage 2: the business KPIs, the model metrics, and how one moves the other. */
export const valueQuantification = defineStage({
  id: 'value-quantification',
  title: 'Value Quantification',
  description:
    'Business KPIs, model metrics, the causal pathway between them, and whether predictions come in time to act',
  topics: [
    {
      id: 'kpis',
      question: (context) => {
        const problem = problemOf(context);
        const goal = problem ? ` towards "${problem.businessObjective}"` : '';
        return `Which business KPIs should move${goal}? For each one: today's baseline, the target, by when, and how it is measured.`;
      },
      criteria: 'each KPI with a baseline, a target, a time frame and a measurement method',
    },
    {
      id: 'model-metrics',
      question: (context) => {
        const problem = problemOf(context);
        if (!problem)
          return 'Which model metrics will you use, and what threshold must each reach?';
        const task = ARCHETYPE_NAMES[problem.mlArchetype];
        return `Which metrics will judge a ${task} model that predicts "${problem.targetOutput.name}" (a ${problem.targetOutput.type} output), for example ${METRIC_EXAMPLES[problem.mlArchetype]}? What threshold must each reach, measured on which data?`;
      },
      criteria: 'metrics suited to the task type, each with a threshold and how it is measured',
    },
    {
      id: 'causal-pathway',
      question: (context) => {
        const kpis = metricsOf(context)?.kpis.map((kpi) => kpi.name) ?? [];
        const named = kpis.length > 0 ? ` (${kpis.join(', ')})` : '';
        return `How would a better model metric move each KPI${named}? What must be true for that link to hold, and what could break it?`;
      },
      criteria:
        'for each KPI: the metric that moves it, the mechanism, the assumptions and what breaks the link',
    },
    {
      id: 'actionability',
      question:
        'When a prediction arrives, who acts on it, what do they do, and how many hours do they have to act? How many hours after the input data exists will the prediction be available?',
      criteria: 'who acts and how; the time available to act and the prediction latency, in hours',
    },
  ],
  artifact: metricAlignmentSchema,
  gate: metricAlignmentGate,
  gapQuestion: (missing) => gapText('Value Quantification', missing),
});
