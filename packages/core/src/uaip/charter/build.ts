import type { ReportInput } from '../../index';
import type { UaipResult } from '../finish';
import { kpiLine } from '../prompts/facts';
import { charterDecision } from '../rules/charter-decision';
import { feasibilityOf } from '../rules/governance';
import type { DataQualityScorecard } from '../schemas/data-quality';
import { PRINCIPLES } from '../schemas/ethical-risk';
import type { MetricAlignmentMatrix } from '../schemas/metric-alignment';
import type { ProblemStatement } from '../schemas/problem-statement';
import type { UserContext } from '../schemas/user-context';
import type { EthicalRiskReport } from '../stages/ethical-governance';
import { charterReview } from './review';
import { type Charter, charterSchema } from './schema';

const DEMO_NOTICE =
  'Produced by the demo provider: no language model was used. Scores and records were built from the answers by simple rules, for trying uaip out; do not base decisions on this charter.';

/**
 * Builds the AI Project Charter of a completed U-AIP session: the five artifacts, the
 * consistency review and the decision, open items, usage and cost. The result is validated by
 * {@link charterSchema}.
 */
export function buildCharter({ session, turns, usage, review }: ReportInput): Charter {
  const artifact = <T>(stageId: string) =>
    session.stages.find((stage) => stage.id === stageId)?.artifact as T;
  const problem = artifact<ProblemStatement>('business-translation');
  const metrics = artifact<MetricAlignmentMatrix>('value-quantification');
  const data = artifact<DataQualityScorecard>('data-feasibility');
  const users = artifact<UserContext>('user-centricity');
  const ethics = artifact<EthicalRiskReport>('ethical-governance');
  const result = session.result as UaipResult;
  const governance = ethics.governance;
  const gates = session.stages.map((stage) => ({
    stageId: stage.id,
    title: stage.title,
    passed: stage.gate?.passed ?? true,
    missing: stage.gate?.missing ?? [],
  }));
  const final = charterDecision(governance, gates);
  const requiresCommitteeReview =
    final.decision === 'halt' || final.decision === 'submit_to_committee';
  const demo = usage.byProvider.some((entry) => entry.provider === 'demo');

  const openItems: Charter['openItems'] = [];
  for (const stage of session.stages) {
    for (const missing of stage.gate?.passed === false ? stage.gate.missing : []) {
      openItems.push({
        kind: 'failed_gate',
        stageId: stage.id,
        description: `${stage.title}: missing ${missing}`,
      });
    }
  }
  for (const turn of turns.filter((candidate) => candidate.escalated)) {
    // The question as first asked, not the last follow-up.
    const first = turns.find(
      (candidate) =>
        candidate.stageId === turn.stageId &&
        candidate.topicId === turn.topicId &&
        candidate.kind !== 'follow_up',
    );
    openItems.push({
      kind: 'escalated_answer',
      stageId: turn.stageId,
      description: `Kept after ${turn.attempt} answers with a score of ${turn.score}/10: "${(first ?? turn).question}"`,
    });
  }
  for (const dimension of data.warnings) {
    openItems.push({
      kind: 'warning',
      stageId: 'data-feasibility',
      description: `Data ${dimension} scored ${data.quality[dimension]}/10 (4–5 is a warning)`,
    });
  }
  if (users.interpretabilityRaisedBecause.length > 0) {
    openItems.push({
      kind: 'warning',
      stageId: 'user-centricity',
      description: `Interpretability raised to high (${users.interpretabilityRaisedBecause.join(', ')})`,
    });
  }
  for (const contradiction of result.consistencyReview.contradictions) {
    openItems.push({
      kind: 'contradiction',
      stageId: contradiction.stages[0] ?? null,
      description: `${contradiction.severity.toUpperCase()}: ${contradiction.description}`,
    });
  }

  const highest = PRINCIPLES.flatMap((principle) =>
    ethics.assessed[principle].map((risk) => ({
      principle,
      level: risk.residualLevel,
      residual: risk.residual,
    })),
  ).sort((a, b) => b.residual - a.residual)[0];

  const charter: Charter = {
    kind: 'uaip-charter',
    title: session.title,
    idea: session.idea,
    date: session.updatedAt,
    sessionId: session.id,
    workflowVersion: session.workflowVersion,
    producedBy: {
      providers: usage.byProvider
        .filter((entry) => entry.calls > 0)
        .map(({ provider, model }) => ({ provider, model })),
      demo,
      notice: demo ? DEMO_NOTICE : null,
    },
    decision: {
      decision: final.decision,
      levels: governance.levels,
      requiresCommitteeReview,
      reasoning: final.reasoning,
      feasibility: feasibilityOf(final.decision),
      failedGates: final.failedGates,
      ethicalDecision: { decision: governance.decision, reasoning: governance.reasoning },
    },
    quickFacts: {
      archetype: problem.mlArchetype,
      primaryKpi: metrics.kpis[0] ? kpiLine(metrics.kpis[0]) : null,
      meanDataQuality: data.meanQuality,
      highestResidualRisk: highest ?? null,
      decision: final.decision,
    },
    executiveSummary: result.executiveSummary,
    stages: {
      businessTranslation: problem,
      valueQuantification: metrics,
      dataFeasibility: data,
      userCentricity: users,
      ethicalGovernance: ethics,
    },
    gates,
    consistencyReview: result.consistencyReview,
    openItems,
    usage: { ...usage.total, byProvider: usage.byProvider },
    approval: {
      approvers: [
        'Project sponsor',
        'Data owner',
        ...(requiresCommitteeReview ? ['AI ethics committee'] : []),
      ],
      review: review ? charterReview(review) : null,
    },
  };
  return charterSchema.parse(charter);
}
