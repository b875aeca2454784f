import type { Feasibility } from '../schemas/data-quality';
import { PRINCIPLE_TITLES, PRINCIPLES, type Principle, type Risk } from '../schemas/ethical-risk';

/** The level of a risk score. */
export type RiskLevel = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/** What the governance rules decide for a project. */
export type GovernanceDecision =
  | 'proceed'
  | 'proceed_with_monitoring'
  | 'revise'
  | 'submit_to_committee'
  | 'halt';

/** One risk with its scores: initial = severity × likelihood, residual after mitigations. */
export interface AssessedRisk {
  initial: number;
  initialLevel: RiskLevel;
  /** The mitigations' summed effectiveness, capped at 0.95: no plan removes a risk entirely. */
  mitigation: number;
  residual: number;
  residualLevel: RiskLevel;
}

/** The outcome of {@link decideGovernance}. */
export interface Governance {
  decision: GovernanceDecision;
  /** Each principle's level: the highest residual level among its risks (LOW without risks). */
  levels: Record<Principle, RiskLevel>;
  requiresCommitteeReview: boolean;
  reasoning: string;
}

const ORDER: RiskLevel[] = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** The level of a risk score: ≥ 8 CRITICAL, ≥ 6 HIGH, ≥ 4 MEDIUM, otherwise LOW. */
export function riskLevel(score: number): RiskLevel {
  if (score >= 8) return 'CRITICAL';
  if (score >= 6) return 'HIGH';
  if (score >= 4) return 'MEDIUM';
  return 'LOW';
}

/** Scores one risk: residual = initial × (1 − min(0.95, Σ effectiveness)). */
export function assessRisk(
  risk: Pick<Risk, 'severity' | 'likelihood' | 'mitigations'>,
): AssessedRisk {
  const initial = risk.severity * risk.likelihood;
  const mitigation = Math.min(
    0.95,
    risk.mitigations.reduce((sum, item) => sum + item.effectiveness, 0),
  );
  // Rounded to avoid 7.999999 from binary fractions deciding a level.
  const residual = Math.round(initial * (1 - mitigation) * 1e9) / 1e9;
  return {
    initial,
    initialLevel: riskLevel(initial),
    mitigation,
    residual,
    residualLevel: riskLevel(residual),
  };
}

/**
 * The governance decision, by the first rule that matches: any principle CRITICAL → halt;
 * three or more HIGH → halt; safety and resilience HIGH → halt; exactly two HIGH → submit to
 * committee; exactly one HIGH → revise; any MEDIUM → proceed with monitoring; else proceed.
 *
 * @example
 * ```ts
 * const { decision } = decideGovernance({
 *   fairness: [{ severity: 3, likelihood: 2, mitigations: [{ description: 'audit', effectiveness: 0.5 }] }],
 *   privacy: [], transparency: [], safety: [], humanAgency: [],
 * });
 * // decision === 'proceed' (residual 3 → LOW)
 * ```
 */
export function decideGovernance(
  risks: Record<Principle, Array<Pick<Risk, 'severity' | 'likelihood' | 'mitigations'>>>,
): Governance {
  const levels = {} as Record<Principle, RiskLevel>;
  const residuals = {} as Record<Principle, number>;
  for (const principle of PRINCIPLES) {
    const assessed = risks[principle].map(assessRisk);
    levels[principle] = assessed.reduce<RiskLevel>(
      (highest, item) =>
        ORDER.indexOf(item.residualLevel) > ORDER.indexOf(highest) ? item.residualLevel : highest,
      'LOW',
    );
    residuals[principle] = Math.max(0, ...assessed.map((item) => item.residual));
  }
  const high = PRINCIPLES.filter((principle) => levels[principle] === 'HIGH');
  const critical = PRINCIPLES.filter((principle) => levels[principle] === 'CRITICAL');
  const medium = PRINCIPLES.filter((principle) => levels[principle] === 'MEDIUM');
  const names = (principles: Principle[]) =>
    principles.map((principle) => PRINCIPLE_TITLES[principle]).join(', ');

  let decision: GovernanceDecision;
  let why: string;
  if (critical.length > 0) {
    decision = 'halt';
    why = `a principle is CRITICAL (${names(critical)})`;
  } else if (high.length >= 3) {
    decision = 'halt';
    why = `${high.length} principles are HIGH (${names(high)})`;
  } else if (levels.safety === 'HIGH') {
    decision = 'halt';
    why = 'safety and resilience is HIGH';
  } else if (high.length === 2) {
    decision = 'submit_to_committee';
    why = `two principles are HIGH (${names(high)})`;
  } else if (high.length === 1) {
    decision = 'revise';
    why = `one principle is HIGH (${names(high)})`;
  } else if (medium.length > 0) {
    decision = 'proceed_with_monitoring';
    why = `no principle is HIGH, but ${names(medium)} ${medium.length === 1 ? 'is' : 'are'} MEDIUM`;
  } else {
    decision = 'proceed';
    why = 'every principle is LOW';
  }
  const perPrinciple = PRINCIPLES.map(
    (principle) =>
      `${PRINCIPLE_TITLES[principle]}: ${levels[principle]} (highest residual ${round(residuals[principle])})`,
  ).join('; ');
  return {
    decision,
    levels,
    requiresCommitteeReview: decision === 'halt' || decision === 'submit_to_committee',
    reasoning: `${perPrinciple}. Decision: ${DECISION_TITLES[decision]}, because ${why}.`,
  };
}

/** How each decision reads in the charter. */
export const DECISION_TITLES: Record<GovernanceDecision, string> = {
  proceed: 'Proceed',
  proceed_with_monitoring: 'Proceed with monitoring',
  revise: 'Revise',
  submit_to_committee: 'Submit to committee',
  halt: 'Halt',
};

/** The charter's feasibility for a decision. */
export function feasibilityOf(decision: GovernanceDecision): Feasibility {
  if (decision === 'halt') return 'infeasible';
  if (decision === 'revise' || decision === 'submit_to_committee') return 'low';
  return decision === 'proceed_with_monitoring' ? 'medium' : 'high';
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
