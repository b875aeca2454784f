import type { StageContext } from '../../index';
import type { CharterDecision } from '../rules/charter-decision';
import { DECISION_TITLES } from '../rules/governance';
import type { DataQualityScorecard } from '../schemas/data-quality';
import { PRINCIPLE_TITLES, PRINCIPLES } from '../schemas/ethical-risk';
import type { Kpi, MetricAlignmentMatrix } from '../schemas/metric-alignment';
import type { ProblemStatement } from '../schemas/problem-statement';
import type { UserContext } from '../schemas/user-context';
import type { EthicalRiskReport } from '../stages/ethical-governance';

// Plain-text lines built from the records by code, for the summary and the review: each model
// gets the figures it must use in one place, and they are what the demo provider assembles.

function records(context: StageContext) {
  const artifacts = context.artifacts;
  return {
    problem: artifacts['business-translation'] as ProblemStatement | undefined,
    metrics: artifacts['value-quantification'] as MetricAlignmentMatrix | undefined,
    data: artifacts['data-feasibility'] as DataQualityScorecard | undefined,
    users: artifacts['user-centricity'] as UserContext | undefined,
    ethics: artifacts['ethical-governance'] as EthicalRiskReport | undefined,
  };
}

/** Parts joined once each: a part that contains, or is contained in, an earlier one is left out. */
export function distinctParts(parts: string[]): string[] {
  const kept: string[] = [];
  for (const raw of parts) {
    const part = raw.trim();
    const lower = part.toLowerCase();
    if (
      !part ||
      kept.some((earlier) => {
        const other = earlier.toLowerCase();
        return other.includes(lower) || lower.includes(other);
      })
    )
      continue;
    kept.push(part);
  }
  return kept;
}

/** A KPI in one line: its name, baseline → target and time frame, each said once. */
export function kpiLine(kpi: Kpi): string {
  const name = kpi.name.trim();
  // "Churn rate: baseline 8%" under the KPI "Churn rate" is "baseline 8%".
  const own = (text: string) => {
    const trimmed = text.trim();
    return trimmed.toLowerCase().startsWith(`${name.toLowerCase()}:`)
      ? trimmed.slice(name.length + 1).trim()
      : trimmed;
  };
  const [, ...rest] = distinctParts([name, own(kpi.baseline), own(kpi.target), own(kpi.timeFrame)]);
  const figures = [own(kpi.baseline), own(kpi.target)].filter((part) => rest.includes(part));
  const when = rest.includes(own(kpi.timeFrame)) ? ` (${own(kpi.timeFrame)})` : '';
  return figures.length > 0 ? `${name}: ${figures.join(' → ')}${when}` : `${name}${when}`;
}

const sentence = (text: string) => text.trim().replace(/(?<![.!?…])$/, '.');

function decisionLine(decision: CharterDecision): string {
  if (decision.capped) return `Decision: ${decision.reasoning}`;
  const why = /Decision: ([\s\S]*)$/.exec(decision.reasoning)?.[1];
  return `Decision: ${why ?? sentence(DECISION_TITLES[decision.decision])}`;
}

/** What the executive summary must cover, one fact a line, taken from the records. */
export function keyFacts(context: StageContext, decision: CharterDecision): string {
  const { problem, metrics, data, users } = records(context);
  const lines: string[] = [];
  if (problem) {
    lines.push(`Objective: ${sentence(problem.businessObjective)}`);
    lines.push(`Why machine learning: ${sentence(problem.aiJustification)}`);
  }
  const kpi = metrics?.kpis[0];
  if (kpi) lines.push(`Primary KPI: ${sentence(kpiLine(kpi))}`);
  if (data) {
    lines.push(
      `Data: mean quality ${data.meanQuality}/10 on six dimensions, feasibility ${data.feasibility}, from ${data.sources.length} ${data.sources.length === 1 ? 'source' : 'sources'}.`,
    );
  }
  const roles = distinctParts(users?.personas.map((persona) => persona.role) ?? []);
  if (roles.length > 0) lines.push(`Users: ${sentence(roles.join('; '))}`);
  lines.push(decisionLine(decision));
  return lines.join('\n');
}

/** The pairs the consistency review compares, one a line, with the figures from the records. */
export function reviewChecks(context: StageContext): string {
  const { problem, metrics, data, users, ethics } = records(context);
  const lines: string[] = [];
  if (problem && metrics) {
    const kpis = distinctParts(metrics.kpis.map((kpi) => kpi.name)).join('; ') || 'none';
    lines.push(
      `KPIs against the objective: the objective is "${problem.businessObjective.trim()}"; the KPIs are ${kpis}.`,
    );
  }
  if (data && metrics) {
    const thresholds =
      distinctParts(
        metrics.modelMetrics.map((metric) =>
          distinctParts([metric.name, metric.threshold]).join(': '),
        ),
      ).join('; ') || 'none';
    lines.push(
      `Data against the metrics: mean data quality ${data.meanQuality}/10 (feasibility ${data.feasibility}) for the thresholds ${thresholds}.`,
    );
  }
  if (metrics) {
    const { windowHours, predictionLatencyHours } = metrics.actionability;
    lines.push(
      `Time to act: users have ${windowHours} h to act, and predictions arrive ${predictionLatencyHours} h after the data.`,
    );
  }
  if (ethics && users) {
    const levels = PRINCIPLES.map(
      (principle) => `${PRINCIPLE_TITLES[principle]} ${ethics.governance.levels[principle]}`,
    ).join(', ');
    lines.push(
      `Risk against the stakes: residual risk ${levels}; interpretability required ${users.interpretability.level}.`,
    );
  }
  return lines.join('\n');
}
