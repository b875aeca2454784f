import { describe, expect, it } from 'vitest';
import {
  assessRisk,
  charterDecision,
  DECISION_TITLES,
  decideGovernance,
  feasibilityOf,
  mitigationSchema,
  type Principle,
  riskLevel,
} from '../index';

type Risks = Parameters<typeof decideGovernance>[0];
const none: Risks = { fairness: [], privacy: [], transparency: [], safety: [], humanAgency: [] };
/** A risk whose residual is exactly `score` (severity × likelihood, no mitigation). */
const risk = (severity: number, likelihood: number, ...effectiveness: number[]) => ({
  severity,
  likelihood,
  mitigations: effectiveness.map((value) => ({ description: 'measure', effectiveness: value })),
});
const withLevels = (levels: Partial<Record<Principle, [number, number]>>): Risks => {
  const risks: Risks = { ...none };
  for (const [principle, [severity, likelihood]] of Object.entries(levels) as Array<
    [Principle, [number, number]]
  >) {
    risks[principle] = [risk(severity, likelihood)];
  }
  return risks;
};

describe('riskLevel', () => {
  it.each([
    [3.99, 'LOW'],
    [4, 'MEDIUM'],
    [5.99, 'MEDIUM'],
    [6, 'HIGH'],
    [7.99, 'HIGH'],
    [8, 'CRITICAL'],
    [16, 'CRITICAL'],
    [0, 'LOW'],
  ] as const)('%d is %s', (score, level) => {
    expect(riskLevel(score)).toBe(level);
  });
});

describe('assessRisk', () => {
  it('multiplies severity by likelihood and removes the mitigated share', () => {
    expect(assessRisk(risk(4, 4, 0.5))).toEqual({
      initial: 16,
      initialLevel: 'CRITICAL',
      mitigation: 0.5,
      residual: 8,
      residualLevel: 'CRITICAL',
    });
    expect(assessRisk(risk(3, 3, 0.2, 0.3))).toMatchObject({
      initial: 9,
      mitigation: 0.5,
      residual: 4.5,
      residualLevel: 'MEDIUM',
    });
  });

  it('caps the summed effectiveness at 0.95', () => {
    expect(assessRisk(risk(4, 4, 0.6, 0.6))).toMatchObject({
      mitigation: 0.95,
      residual: 0.8,
      residualLevel: 'LOW',
    });
    expect(assessRisk(risk(2, 2, 0.9, 0.9, 0.9))).toMatchObject({ mitigation: 0.95 });
  });

  it('keeps a risk at its initial score without mitigations', () => {
    expect(assessRisk(risk(2, 3))).toMatchObject({ residual: 6, residualLevel: 'HIGH' });
  });
});

describe('decideGovernance: the first rule that matches', () => {
  it.each([
    ['any principle CRITICAL → halt', withLevels({ fairness: [4, 2] }), 'halt'],
    [
      'CRITICAL wins over everything else',
      withLevels({ fairness: [4, 2], privacy: [3, 2], transparency: [2, 2] }),
      'halt',
    ],
    [
      'three HIGH → halt',
      withLevels({ fairness: [3, 2], privacy: [2, 3], transparency: [3, 2] }),
      'halt',
    ],
    ['safety HIGH alone → halt', withLevels({ safety: [3, 2] }), 'halt'],
    [
      'safety HIGH with one other HIGH → halt (rule 3 before rule 4)',
      withLevels({ safety: [3, 2], fairness: [3, 2] }),
      'halt',
    ],
    [
      'exactly two HIGH → submit to committee',
      withLevels({ fairness: [3, 2], humanAgency: [2, 3] }),
      'submit_to_committee',
    ],
    ['exactly one HIGH → revise', withLevels({ privacy: [3, 2], fairness: [2, 2] }), 'revise'],
    [
      'any MEDIUM → proceed with monitoring',
      withLevels({ transparency: [2, 2] }),
      'proceed_with_monitoring',
    ],
    ['all LOW → proceed', withLevels({ fairness: [1, 3], privacy: [3, 1] }), 'proceed'],
    ['no risks at all → proceed', none, 'proceed'],
  ] as const)('%s', (_name, risks, decision) => {
    expect(decideGovernance(risks).decision).toBe(decision);
  });

  it("takes the highest residual level of a principle's risks", () => {
    const result = decideGovernance({
      ...none,
      fairness: [risk(1, 1), risk(4, 4, 0.5, 0.1), risk(2, 1)],
    });
    // 16 × (1 − 0.6) = 6.4 → HIGH.
    expect(result.levels.fairness).toBe('HIGH');
    expect(result.decision).toBe('revise');
  });

  it('lets a mitigation bring a principle down a level at the 4 / 6 / 8 boundaries', () => {
    expect(decideGovernance({ ...none, privacy: [risk(4, 4, 0.5)] }).levels.privacy).toBe(
      'CRITICAL',
    ); // 8
    expect(decideGovernance({ ...none, privacy: [risk(4, 4, 0.5625)] }).levels.privacy).toBe(
      'HIGH',
    ); // 7
    expect(decideGovernance({ ...none, privacy: [risk(4, 3, 0.5)] }).levels.privacy).toBe('HIGH'); // 6
    expect(decideGovernance({ ...none, privacy: [risk(4, 2, 0.5)] }).levels.privacy).toBe('MEDIUM'); // 4
    expect(decideGovernance({ ...none, privacy: [risk(4, 2, 0.51)] }).levels.privacy).toBe('LOW'); // 3.92
  });

  it('requires committee review for halt and submit to committee only', () => {
    expect(decideGovernance(withLevels({ fairness: [4, 2] })).requiresCommitteeReview).toBe(true);
    expect(
      decideGovernance(withLevels({ fairness: [3, 2], privacy: [3, 2] })).requiresCommitteeReview,
    ).toBe(true);
    expect(decideGovernance(withLevels({ fairness: [3, 2] })).requiresCommitteeReview).toBe(false);
    expect(decideGovernance(none).requiresCommitteeReview).toBe(false);
  });

  it('names each principle with its residual level in the reasoning', () => {
    const { reasoning } = decideGovernance(withLevels({ fairness: [3, 2], transparency: [2, 2] }));
    expect(reasoning).toContain('Fairness and equity: HIGH');
    expect(reasoning).toContain('Privacy and data protection: LOW');
    expect(reasoning).toContain('Transparency and accountability: MEDIUM');
    expect(reasoning).toContain('Safety and resilience: LOW');
    expect(reasoning).toContain('Human agency and oversight: LOW');
    expect(reasoning).toMatch(
      /Decision: Revise, because one principle is HIGH \(Fairness and equity\)/,
    );
  });

  it("maps each decision to the charter's feasibility", () => {
    expect(feasibilityOf('halt')).toBe('infeasible');
    expect(feasibilityOf('submit_to_committee')).toBe('low');
    expect(feasibilityOf('revise')).toBe('low');
    expect(feasibilityOf('proceed_with_monitoring')).toBe('medium');
    expect(feasibilityOf('proceed')).toBe('high');
  });
});

describe('the mitigation schema', () => {
  it('rejects an effectiveness of 1 or more, and below 0', () => {
    expect(mitigationSchema.safeParse({ description: 'x', effectiveness: 1 }).success).toBe(false);
    expect(mitigationSchema.safeParse({ description: 'x', effectiveness: 1.2 }).success).toBe(
      false,
    );
    expect(mitigationSchema.safeParse({ description: 'x', effectiveness: -0.1 }).success).toBe(
      false,
    );
    expect(mitigationSchema.safeParse({ description: 'x', effectiveness: 0.99 }).success).toBe(
      true,
    );
    expect(mitigationSchema.safeParse({ description: 'x', effectiveness: 0 }).success).toBe(true);
  });
});

describe('charterDecision: a failed gate caps the decision at revise', () => {
  const gate = (title: string, missing: string[] = []) => ({
    title,
    passed: missing.length === 0,
    missing,
  });
  const passing = [gate('Business Translation'), gate('Value Quantification')];
  const failing = [
    gate('Business Translation', ['the business objective']),
    gate('Value Quantification', ['a baseline for KPI "NPS"', 'a target for KPI "NPS"']),
  ];

  it('keeps the governance decision when every gate passed', () => {
    expect(charterDecision({ decision: 'proceed', reasoning: 'All LOW.' }, passing)).toEqual({
      decision: 'proceed',
      reasoning: 'All LOW.',
      failedGates: [],
      capped: false,
    });
  });

  it.each(['proceed', 'proceed_with_monitoring'] as const)(
    'turns %s into revise and names the failed gates',
    (decision) => {
      const result = charterDecision({ decision, reasoning: 'Ethics says go.' }, failing);
      expect(result).toMatchObject({
        decision: 'revise',
        capped: true,
        failedGates: ['Business Translation', 'Value Quantification'],
      });
      expect(result.reasoning).toBe(
        `Revise, because the scoping is incomplete: the gates of Business Translation and Value Quantification failed (3 open items); resolve them before the project proceeds. The ethical assessment alone decides ${DECISION_TITLES[decision]}.`,
      );
    },
  );

  it.each(['revise', 'submit_to_committee', 'halt'] as const)(
    'lets the stricter %s stand, adding the failed gates to its reasoning',
    (decision) => {
      const result = charterDecision({ decision, reasoning: 'Two HIGH.' }, failing.slice(0, 1));
      expect(result).toEqual({
        decision,
        reasoning: 'Two HIGH. Also, the gate of Business Translation failed (1 open item).',
        failedGates: ['Business Translation'],
        capped: false,
      });
    },
  );
});
