import { describe, expect, it } from 'vitest';
import {
  type DataQualityExtract,
  dataQualityGate,
  type EthicalRiskExtract,
  enforceInterpretability,
  ethicalRiskGate,
  highInterpretabilityReasons,
  judgeDataQuality,
  type MetricAlignmentMatrix,
  metricAlignmentGate,
  type ProblemStatement,
  problemStatementGate,
  type Stakes,
  scoreDataQuality,
  type UserContextExtract,
  userContextGate,
} from '../index';

const scores = (
  accuracy: number,
  consistency: number,
  completeness: number,
  timeliness: number,
  validity: number,
  integrity: number,
) => ({
  accuracy,
  consistency,
  completeness,
  timeliness,
  validity,
  integrity,
});

describe('the data-quality rule', () => {
  it.each([
    ['average 6, nothing below 4: passes', scores(6, 6, 6, 6, 6, 6), true, []],
    [
      'average above 6 with a 4: passes with a warning',
      scores(9, 9, 4, 8, 8, 8),
      true,
      ['completeness'],
    ],
    [
      'a dimension below 4 fails even with a high average',
      scores(10, 10, 3, 10, 10, 10),
      false,
      [],
    ],
    ['an average under 6 fails', scores(6, 6, 6, 6, 6, 5), false, ['integrity']],
  ] as const)('%s', (_name, quality, passes, warnings) => {
    const verdict = judgeDataQuality(quality);
    expect(verdict.passes).toBe(passes);
    expect(verdict.warnings).toEqual(warnings);
  });

  const extract = (
    quality: DataQualityExtract['quality'],
    fairMet: number,
  ): DataQualityExtract => ({
    sources: [
      {
        name: 'billing',
        type: 'database',
        volume: '2M rows',
        updateFrequency: 'daily',
        access: 'data team',
      },
    ],
    quality,
    qualityNotes: '',
    labeling: {
      method: 'churn flag from billing',
      cost: 'none',
      time: 'none',
      qualityAssurance: 'spot checks',
    },
    fair: {
      findable: fairMet > 0,
      accessible: fairMet > 1,
      interoperable: fairMet > 2,
      reusable: fairMet > 3,
      gaps: [],
    },
    infrastructure: { readiness: 'ready', description: 'warehouse' },
  });

  it.each([
    ['quality passes and 3 FAIR principles met → high', scores(7, 7, 7, 7, 7, 7), 3, 'high'],
    ['quality passes but only 2 FAIR principles → medium', scores(7, 7, 7, 7, 7, 7), 2, 'medium'],
    ['quality fails on a dimension, average ≥ 5 → medium', scores(9, 9, 2, 9, 9, 9), 4, 'medium'],
    ['average under 5 → low', scores(4, 4, 4, 5, 5, 4), 4, 'low'],
  ] as const)('feasibility: %s', (_name, quality, fairMet, feasibility) => {
    expect(scoreDataQuality(extract(quality, fairMet)).feasibility).toBe(feasibility);
  });

  it('gates on the same rule, naming what fails', () => {
    expect(dataQualityGate(scoreDataQuality(extract(scores(7, 7, 7, 7, 7, 7), 4)))).toEqual({
      passed: true,
      missing: [],
    });
    const failed = dataQualityGate(scoreDataQuality(extract(scores(5, 5, 3, 5, 5, 5), 4)));
    expect(failed.passed).toBe(false);
    expect(failed.missing).toEqual([
      'an average data-quality score of at least 6 (now 4.67)',
      'completeness of the data at 4 or more out of 10',
    ]);
    const noSources = dataQualityGate(
      scoreDataQuality({ ...extract(scores(7, 7, 7, 7, 7, 7), 4), sources: [] }),
    );
    expect(noSources.missing).toEqual(['at least one data source']);
  });
});

describe('the interpretability rule', () => {
  const none: Stakes = {
    credit: false,
    hiring: false,
    medical: false,
    housing: false,
    education: false,
    legal: false,
    safety: false,
  };
  it.each([
    [{ medical: true }, [], ['healthcare context']],
    [{ credit: true }, [], ['finance or credit context']],
    [{ hiring: true }, [], ['hiring or employment context']],
    [{ safety: true }, [], ['safety context']],
    [{ legal: true }, [], ['legal context']],
    [{ housing: true, education: true }, [], ['housing context', 'education context']],
    [{}, ['GDPR (personal data)'], ['names GDPR']],
    [{}, ['EU AI Act'], []],
    [{}, [], []],
  ])('affects %o, regulations %o → %o', (affects, regulations, reasons) => {
    expect(highInterpretabilityReasons({ affects: { ...none, ...affects }, regulations })).toEqual(
      reasons,
    );
  });

  const extract = (
    level: 'high' | 'medium' | 'low',
    affects: Partial<Stakes> = {},
    criticality = 'moderate',
  ): UserContextExtract => ({
    personas: [],
    journey: {
      before: { touchpoints: [], decisionPoints: [], riskAreas: [] },
      during: { touchpoints: [], decisionPoints: [], riskAreas: [] },
      after: { touchpoints: [], decisionPoints: [], riskAreas: [] },
    },
    interpretability: {
      level,
      scope: 'local',
      method: 'SHAP',
      audience: 'analysts',
      regulations: [],
      criticality,
      affects: { ...none, ...affects },
    },
    feedback: [],
  });

  it('raises the level to high when the predictions affect credit, and says why', () => {
    const raised = enforceInterpretability(extract('low', { credit: true }));
    expect(raised.interpretability.level).toBe('high');
    expect(raised.interpretabilityRaisedBecause).toEqual(['finance or credit context']);
  });

  it('reads the structured answer, not words in the text: "nobody loses access, credit or a job"', () => {
    const kept = enforceInterpretability(
      extract('low', {}, 'Low: nobody loses access, credit or a job; it only orders a call list'),
    );
    expect(kept.interpretability.level).toBe('low');
    expect(kept.interpretabilityRaisedBecause).toEqual([]);
  });

  it('leaves the level alone elsewhere, and does not claim to raise what was already high', () => {
    expect(enforceInterpretability(extract('low')).interpretability.level).toBe('low');
    expect(
      enforceInterpretability(extract('high', { medical: true })).interpretabilityRaisedBecause,
    ).toEqual([]);
  });

  it('counts regulations the user named in the stage itself', () => {
    const named = {
      ...extract('medium'),
      interpretability: { ...extract('medium').interpretability, regulations: ['HIPAA'] },
    };
    expect(enforceInterpretability(named).interpretability.level).toBe('high');
  });
});

const problem = (overrides: Partial<ProblemStatement> = {}): ProblemStatement => ({
  businessObjective: 'Cut churn',
  successMeasure: 'Churn from 8% to 5%',
  aiJustification: 'Rules missed 60% of churners',
  alternativesTried: ['rules'],
  inputFeatures: [
    {
      name: 'logins',
      type: 'numeric',
      source: 'app',
      availableInProduction: true,
      accessLatency: 'daily',
    },
  ],
  targetOutput: { name: 'churns in 30 days', type: 'binary', description: '' },
  mlArchetype: 'classification',
  archetypeJustification: 'We need a yes/no per customer',
  scope: { inScope: [], outOfScope: [], assumptions: [], constraints: [] },
  ...overrides,
});

describe('the stage 1 gate', () => {
  it('passes a complete problem statement', () => {
    expect(problemStatementGate(problem())).toEqual({ passed: true, missing: [] });
  });
  it.each([
    ['no objective', { businessObjective: ' ' }, 'the business objective'],
    [
      'no justification',
      { aiJustification: '' },
      'why machine learning is needed rather than rules',
    ],
    ['no feature', { inputFeatures: [] }, 'at least one input feature'],
    [
      'no target',
      { targetOutput: { name: '', type: 'binary' as const, description: '' } },
      'what the model predicts (the target output)',
    ],
    [
      'no archetype justification',
      { archetypeJustification: '' },
      'why this ML task type fits the problem',
    ],
    [
      'classification with a continuous output',
      { targetOutput: { name: 'spend', type: 'continuous' as const, description: '' } },
      'a target that fits classification (a continuous output needs regression)',
    ],
    [
      'regression with a categorical output',
      {
        mlArchetype: 'regression' as const,
        targetOutput: { name: 'tier', type: 'categorical' as const, description: '' },
      },
      'a target that fits regression (a categorical output needs classification)',
    ],
    [
      'a feature missing at prediction time',
      {
        inputFeatures: [
          {
            name: 'next month spend',
            type: 'numeric',
            source: 'billing',
            availableInProduction: false,
            accessLatency: 'monthly',
          },
        ],
      },
      'input "next month spend" available at prediction time',
    ],
  ])('fails with %s', (_name, overrides, missing) => {
    expect(problemStatementGate(problem(overrides as Partial<ProblemStatement>))).toEqual({
      passed: false,
      missing: [missing],
    });
  });
});

const matrix = (overrides: Partial<MetricAlignmentMatrix> = {}): MetricAlignmentMatrix => ({
  kpis: [
    {
      name: 'Monthly churn',
      baseline: '8%',
      target: '5%',
      timeFrame: 'Q3',
      measurementMethod: 'billing',
      businessImpact: '$1M',
      pathways: [
        {
          metric: 'recall on monthly churn rate',
          mechanism: 'more saves',
          assumptions: [],
          failureModes: [],
        },
      ],
    },
  ],
  modelMetrics: [{ name: 'recall', threshold: '0.7', measurement: 'holdout' }],
  actionability: { windowHours: 72, predictionLatencyHours: 24, description: 'CSM calls' },
  ...overrides,
});

describe('the stage 2 gate', () => {
  it('passes when every KPI is complete and linked and the window beats the latency', () => {
    expect(metricAlignmentGate(matrix())).toEqual({ passed: true, missing: [] });
  });
  it('links a pathway to the KPI it sits in, whatever either is called', () => {
    const [kpi] = matrix().kpis;
    const renamed = matrix({ kpis: [{ ...kpi!, name: 'monthly churn rate (all regions)' }] });
    expect(metricAlignmentGate(renamed)).toEqual({ passed: true, missing: [] });
  });
  it('lists each missing item once, even for two KPIs of the same name', () => {
    const [kpi] = matrix().kpis;
    const twins = matrix({
      kpis: [
        { ...kpi!, pathways: [] },
        { ...kpi!, pathways: [] },
      ],
    });
    expect(metricAlignmentGate(twins).missing).toEqual([
      'a causal pathway from a model metric to KPI "Monthly churn"',
    ]);
  });
  it('names every gap', () => {
    const gaps = metricAlignmentGate(
      matrix({
        kpis: [
          {
            name: 'NPS',
            baseline: '',
            target: '40',
            timeFrame: '',
            measurementMethod: '',
            businessImpact: '',
            pathways: [],
          },
        ],
        actionability: { windowHours: 24, predictionLatencyHours: 24, description: '' },
      }),
    );
    expect(gaps.missing).toEqual([
      'a baseline for KPI "NPS"',
      'a time frame for KPI "NPS"',
      'a causal pathway from a model metric to KPI "NPS"',
      'predictions that leave time to act (the 24 h window to act is not longer than the 24 h prediction latency)',
    ]);
  });
});

describe('the stage 4 gate', () => {
  const context = (): UserContextExtract & { interpretabilityRaisedBecause: string[] } => ({
    personas: [
      {
        role: 'CSM',
        goals: [],
        painPoints: [],
        proficiency: 'novice',
        frequency: 'daily',
        decisionAuthority: 'offers',
        researchEvidence: '12 interviews',
      },
    ],
    journey: {
      before: { touchpoints: ['CRM'], decisionPoints: [], riskAreas: [] },
      during: { touchpoints: ['alert'], decisionPoints: [], riskAreas: [] },
      after: { touchpoints: ['call log'], decisionPoints: [], riskAreas: [] },
    },
    interpretability: {
      level: 'medium',
      scope: 'local',
      method: 'top reasons',
      audience: 'CSM',
      regulations: [],
      criticality: 'low',
      affects: {
        credit: false,
        hiring: false,
        medical: false,
        housing: false,
        education: false,
        legal: false,
        safety: false,
      },
    },
    feedback: [],
    interpretabilityRaisedBecause: [],
  });
  it('passes with an evidenced persona, three phases and a method', () => {
    expect(userContextGate(context())).toEqual({ passed: true, missing: [] });
  });
  it('fails without evidence, a phase or a method', () => {
    const weak = context();
    weak.personas[0]!.researchEvidence = '';
    weak.journey.after.touchpoints = [];
    weak.interpretability.method = '';
    expect(userContextGate(weak).missing).toEqual([
      'a user persona backed by research evidence',
      'the after phase of the user journey',
      'how predictions will be explained (interpretability method)',
    ]);
  });
});

describe('the stage 5 gate', () => {
  const report = (empty: Array<keyof EthicalRiskExtract['principles']>): EthicalRiskExtract => {
    const risk = {
      description: 'r',
      severity: 1,
      likelihood: 1,
      affectedStakeholders: [],
      mitigations: [],
    };
    const principles = {
      fairness: [risk],
      privacy: [risk],
      transparency: [risk],
      safety: [risk],
      humanAgency: [risk],
    };
    for (const principle of empty) principles[principle] = [];
    return {
      principles,
      residualAcceptance: '',
      monitoringPlan: '',
      escalationTriggers: [],
      shutdownTriggers: [],
    };
  };
  it('passes when all five principles are assessed', () => {
    expect(ethicalRiskGate(report([]))).toEqual({ passed: true, missing: [] });
  });
  it('names each principle left unassessed', () => {
    expect(ethicalRiskGate(report(['privacy', 'humanAgency'])).missing).toEqual([
      'an assessment of privacy and data protection risks',
      'an assessment of human agency and oversight risks',
    ]);
  });
});
