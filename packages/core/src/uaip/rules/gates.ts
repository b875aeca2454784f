import type { GateResult } from '../../index';
import type { DataQualityScorecard } from '../schemas/data-quality';
import { type EthicalRiskExtract, PRINCIPLE_TITLES, PRINCIPLES } from '../schemas/ethical-risk';
import type { MetricAlignmentMatrix } from '../schemas/metric-alignment';
import type { ProblemStatement } from '../schemas/problem-statement';
import type { UserContext } from '../schemas/user-context';

const blank = (text: string | undefined) => !text || text.trim() === '';
// Each missing item once: two inputs of the same name need not be asked for twice.
const result = (missing: string[]): GateResult => ({
  passed: missing.length === 0,
  missing: [...new Set(missing)],
});

/** Stage 1: objective, justification, a feature, a target, an archetype that fits the output. */
export function problemStatementGate(problem: ProblemStatement): GateResult {
  const missing: string[] = [];
  if (blank(problem.businessObjective)) missing.push('the business objective');
  if (blank(problem.aiJustification))
    missing.push('why machine learning is needed rather than rules');
  if (problem.inputFeatures.length === 0) missing.push('at least one input feature');
  if (blank(problem.targetOutput.name)) missing.push('what the model predicts (the target output)');
  if (blank(problem.archetypeJustification)) missing.push('why this ML task type fits the problem');
  const { mlArchetype: archetype, targetOutput } = problem;
  if (archetype === 'classification' && targetOutput.type === 'continuous') {
    missing.push('a target that fits classification (a continuous output needs regression)');
  }
  if (
    archetype === 'regression' &&
    (targetOutput.type === 'categorical' || targetOutput.type === 'binary')
  ) {
    missing.push(
      `a target that fits regression (a ${targetOutput.type} output needs classification)`,
    );
  }
  for (const feature of problem.inputFeatures) {
    if (!feature.availableInProduction)
      missing.push(`input "${feature.name}" available at prediction time`);
  }
  return result(missing);
}

/**
 * Stage 2: every KPI has baseline, target and time frame and a pathway; the window beats the
 * latency. A pathway belongs to its KPI by structure (it sits in the KPI's `pathways`), so a
 * paraphrased KPI name cannot unlink them.
 */
export function metricAlignmentGate(matrix: MetricAlignmentMatrix): GateResult {
  const missing: string[] = [];
  if (matrix.kpis.length === 0) missing.push('at least one business KPI');
  if (matrix.modelMetrics.length === 0) missing.push('at least one model metric with a threshold');
  for (const kpi of matrix.kpis) {
    if (blank(kpi.baseline)) missing.push(`a baseline for KPI "${kpi.name}"`);
    if (blank(kpi.target)) missing.push(`a target for KPI "${kpi.name}"`);
    if (blank(kpi.timeFrame)) missing.push(`a time frame for KPI "${kpi.name}"`);
    if (!kpi.pathways.some((pathway) => !blank(pathway.metric) && !blank(pathway.mechanism))) {
      missing.push(`a causal pathway from a model metric to KPI "${kpi.name}"`);
    }
  }
  const { windowHours, predictionLatencyHours } = matrix.actionability;
  if (!(windowHours > predictionLatencyHours)) {
    missing.push(
      `predictions that leave time to act (the ${windowHours} h window to act is not longer than the ${predictionLatencyHours} h prediction latency)`,
    );
  }
  return result(missing);
}

/** Stage 3: the data-quality rule (average ≥ 6, nothing below 4), a source and a labeling plan. */
export function dataQualityGate(scorecard: DataQualityScorecard): GateResult {
  const missing: string[] = [];
  if (scorecard.sources.length === 0) missing.push('at least one data source');
  if (scorecard.meanQuality < 6)
    missing.push(`an average data-quality score of at least 6 (now ${scorecard.meanQuality})`);
  for (const dimension of scorecard.failing)
    missing.push(`${dimension} of the data at 4 or more out of 10`);
  if (blank(scorecard.labeling.method)) missing.push('a labeling strategy');
  return result(missing);
}

/** Stage 4: a persona with research evidence, all three journey phases, interpretability set. */
export function userContextGate(context: UserContext): GateResult {
  const missing: string[] = [];
  if (!context.personas.some((persona) => !blank(persona.researchEvidence))) {
    missing.push('a user persona backed by research evidence');
  }
  for (const phase of ['before', 'during', 'after'] as const) {
    if (context.journey[phase].touchpoints.length === 0)
      missing.push(`the ${phase} phase of the user journey`);
  }
  if (blank(context.interpretability.method))
    missing.push('how predictions will be explained (interpretability method)');
  return result(missing);
}

/** Stage 5: all five principles assessed, each with at least one risk. */
export function ethicalRiskGate(report: EthicalRiskExtract): GateResult {
  const missing = PRINCIPLES.filter((principle) => report.principles[principle].length === 0).map(
    (principle) => `an assessment of ${PRINCIPLE_TITLES[principle].toLowerCase()} risks`,
  );
  return result(missing);
}
