import { DECISION_TITLES, type Governance, type GovernanceDecision } from './governance';

/** A stage's gate as the charter decision reads it. */
export interface StageGate {
  title: string;
  passed: boolean;
  missing: string[];
}

/** The outcome of {@link charterDecision}. */
export interface CharterDecision {
  /** The charter's decision: the governance decision, capped at `revise` by a failed gate. */
  decision: GovernanceDecision;
  reasoning: string;
  /** The titles of the stages that completed with a failed gate. */
  failedGates: string[];
  /** True when failed gates turned a `proceed` or `proceed_with_monitoring` into `revise`. */
  capped: boolean;
}

// The decisions an incomplete scoping may not reach.
const PASSING: GovernanceDecision[] = ['proceed', 'proceed_with_monitoring'];

/**
 * The charter's decision: the ethical governance decision, except that an incomplete scoping
 * cannot pass. When any stage completed with a failed gate, `proceed` and
 * `proceed_with_monitoring` become `revise` and the reasoning names the failed gates; a
 * stricter decision stands. The governance decision and its reasoning are kept beside it.
 *
 * @example
 * ```ts
 * const { decision, reasoning } = charterDecision(
 *   { decision: 'proceed', reasoning: 'Every principle is LOW.' },
 *   [{ title: 'Value Quantification', passed: false, missing: ['a baseline for KPI "NPS"'] }],
 * );
 * // decision === 'revise'; reasoning names Value Quantification
 * ```
 */
export function charterDecision(
  governance: Pick<Governance, 'decision' | 'reasoning'>,
  gates: StageGate[],
): CharterDecision {
  const failed = gates.filter((gate) => !gate.passed);
  const failedGates = failed.map((gate) => gate.title);
  if (failed.length === 0) {
    return {
      decision: governance.decision,
      reasoning: governance.reasoning,
      failedGates,
      capped: false,
    };
  }
  const count = failed.reduce((sum, gate) => sum + gate.missing.length, 0);
  const which = `${failed.length === 1 ? 'the gate' : 'the gates'} of ${listOf(failedGates)} failed (${count} open ${count === 1 ? 'item' : 'items'})`;
  const ethics = DECISION_TITLES[governance.decision];
  if (PASSING.includes(governance.decision)) {
    return {
      decision: 'revise',
      reasoning: `Revise, because the scoping is incomplete: ${which}; resolve them before the project proceeds. The ethical assessment alone decides ${ethics}.`,
      failedGates,
      capped: true,
    };
  }
  return {
    decision: governance.decision,
    reasoning: `${governance.reasoning} Also, ${which}.`,
    failedGates,
    capped: false,
  };
}

function listOf(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
