import type { StageContext } from '../../index';
import type { MetricAlignmentMatrix } from '../schemas/metric-alignment';
import type { MlArchetype, ProblemStatement } from '../schemas/problem-statement';

/** Stage 1's artifact, when stage 1 is done. */
export function problemOf(context: StageContext): ProblemStatement | undefined {
  return context.artifacts['business-translation'] as ProblemStatement | undefined;
}

export function metricsOf(context: StageContext): MetricAlignmentMatrix | undefined {
  return context.artifacts['value-quantification'] as MetricAlignmentMatrix | undefined;
}

/** Everything known so far as text, for rules that look at the whole context. */
export function contextText(context: StageContext): string {
  return `${context.title}\n${context.idea}\n${JSON.stringify(context.artifacts)}`;
}

/** Metrics that usually fit a task type, offered as examples in the question. */
export const METRIC_EXAMPLES: Record<MlArchetype, string> = {
  classification: 'precision, recall, F1 or AUC',
  regression: 'MAE, RMSE or MAPE',
  clustering: 'silhouette score or cluster stability',
  recommendation: 'precision@k, recall@k or NDCG',
  anomaly_detection: 'precision and recall on known incidents, or false alarms per day',
  nlp: 'accuracy, F1 or a human rating of the output',
  computer_vision: 'accuracy, mAP or IoU',
  time_series_forecasting: 'MAPE, sMAPE or the forecast bias',
};

export const ARCHETYPE_NAMES: Record<MlArchetype, string> = {
  classification: 'classification',
  regression: 'regression',
  clustering: 'clustering',
  recommendation: 'recommendation',
  anomaly_detection: 'anomaly detection',
  nlp: 'language (NLP)',
  computer_vision: 'computer vision',
  time_series_forecasting: 'time-series forecasting',
};

/** A gap question that names exactly what is missing, as a list (each item once). */
export function gapText(stageTitle: string, missing: string[]): string {
  const items = [...new Set(missing)].map((item) => `- ${item}`).join('\n');
  return `Before we close ${stageTitle}, a few things are still missing:\n${items}\nCould you cover each of them?`;
}
