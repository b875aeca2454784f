import { DECISION_TITLES } from '../rules/governance';
import { QUALITY_DIMENSIONS } from '../schemas/data-quality';
import { PRINCIPLE_TITLES, PRINCIPLES } from '../schemas/ethical-risk';
import {
  type Block,
  joined,
  listOrNone,
  orDash,
  type RenderedDocument,
  type Section,
} from './document';
import { reviewStatusLine } from './review';
import type { Charter } from './schema';

const percent = (value: number) => `${Math.round(value * 100)}%`;
const money = (value: number) => `$${value.toFixed(4)}`;
const yesNo = (value: boolean) => (value ? 'yes' : 'no');

/** The charter as a document: the sections of the spec, in order, stage titles word for word. */
export function charterDocument(charter: Charter): RenderedDocument {
  const intro: Block[] = [];
  if (charter.producedBy.notice) intro.push({ kind: 'notice', text: charter.producedBy.notice });
  intro.push({
    kind: 'fields',
    rows: [
      ['Project', charter.title],
      ['Date', charter.date.slice(0, 10)],
      ['Session', charter.sessionId],
      ['Decision', DECISION_TITLES[charter.decision.decision]],
      [
        'Produced with',
        charter.producedBy.providers
          .map((entry) => `${entry.provider} (${entry.model})`)
          .join(', ') || '—',
      ],
    ],
  });
  return {
    title: `AI Project Charter: ${charter.title}`,
    intro,
    sections: [
      quickFacts(charter),
      {
        heading: 'Executive summary',
        blocks: [{ kind: 'paragraph', text: orDash(charter.executiveSummary) }],
      },
      businessTranslation(charter),
      valueQuantification(charter),
      dataFeasibility(charter),
      userCentricity(charter),
      ethicalGovernance(charter),
      consistency(charter),
      openItems(charter),
      usage(charter),
      ...committeeReview(charter),
      approval(charter),
    ],
  };
}

function quickFacts(charter: Charter): Section {
  const facts = charter.quickFacts;
  const risk = facts.highestResidualRisk;
  return {
    heading: 'Quick facts',
    blocks: [
      {
        kind: 'fields',
        rows: [
          ['ML archetype', facts.archetype.replaceAll('_', ' ')],
          ['Primary KPI', orDash(facts.primaryKpi)],
          ['Mean data quality', `${facts.meanDataQuality}/10`],
          [
            'Highest residual risk',
            risk
              ? `${PRINCIPLE_TITLES[risk.principle]}: ${risk.level} (${risk.residual})`
              : 'none assessed',
          ],
          // With the feasibility, so it does not repeat the title block's line word for word.
          [
            'Decision',
            `${DECISION_TITLES[facts.decision]} (feasibility ${charter.decision.feasibility})`,
          ],
          ...(charter.decision.failedGates.length > 0
            ? ([['Why', charter.decision.reasoning]] as Array<[string, string]>)
            : []),
        ],
      },
    ],
  };
}

function businessTranslation(charter: Charter): Section {
  const problem = charter.stages.businessTranslation;
  return {
    heading: '1. Business Translation',
    blocks: [
      {
        kind: 'fields',
        rows: [
          ['Business objective', orDash(problem.businessObjective)],
          ['Success measure', orDash(problem.successMeasure)],
          ['Why machine learning', orDash(problem.aiJustification)],
          [
            'Target output',
            `${orDash(problem.targetOutput.name)} (${problem.targetOutput.type}): ${orDash(problem.targetOutput.description)}`,
          ],
          [
            'ML archetype',
            `${problem.mlArchetype.replaceAll('_', ' ')}: ${orDash(problem.archetypeJustification)}`,
          ],
        ],
      },
      { kind: 'subheading', text: 'Alternatives tried' },
      listOrNone(problem.alternativesTried),
      { kind: 'subheading', text: 'Input features' },
      {
        kind: 'table',
        headers: ['Feature', 'Type', 'Source', 'Available at prediction time', 'Access latency'],
        rows: problem.inputFeatures.map((feature) => [
          feature.name,
          feature.type,
          feature.source,
          yesNo(feature.availableInProduction),
          feature.accessLatency,
        ]),
      },
      { kind: 'subheading', text: 'Scope' },
      {
        kind: 'fields',
        rows: [
          ['In scope', joined(problem.scope.inScope) || '—'],
          ['Out of scope', joined(problem.scope.outOfScope) || '—'],
          ['Assumptions', joined(problem.scope.assumptions) || '—'],
          ['Constraints', joined(problem.scope.constraints) || '—'],
        ],
      },
    ],
  };
}

function valueQuantification(charter: Charter): Section {
  const matrix = charter.stages.valueQuantification;
  return {
    heading: '2. Value Quantification',
    blocks: [
      { kind: 'subheading', text: 'Business KPIs' },
      {
        kind: 'table',
        headers: ['KPI', 'Baseline', 'Target', 'Time frame', 'Measured by', 'Business impact'],
        rows: matrix.kpis.map((kpi) => [
          kpi.name,
          kpi.baseline,
          kpi.target,
          kpi.timeFrame,
          kpi.measurementMethod,
          kpi.businessImpact,
        ]),
      },
      { kind: 'subheading', text: 'Model metrics' },
      {
        kind: 'table',
        headers: ['Metric', 'Threshold', 'Measured by'],
        rows: matrix.modelMetrics.map((metric) => [
          metric.name,
          metric.threshold,
          metric.measurement,
        ]),
      },
      { kind: 'subheading', text: 'Metric → KPI matrix' },
      {
        kind: 'table',
        headers: ['Model metric', 'KPI', 'Mechanism', 'Assumptions', 'What breaks the link'],
        rows: matrix.kpis.flatMap((kpi) =>
          kpi.pathways.map((path) => [
            path.metric,
            kpi.name,
            path.mechanism,
            joined(path.assumptions),
            joined(path.failureModes),
          ]),
        ),
      },
      { kind: 'subheading', text: 'Actionability' },
      {
        kind: 'fields',
        rows: [
          ['Window to act', `${matrix.actionability.windowHours} h`],
          ['Prediction latency', `${matrix.actionability.predictionLatencyHours} h`],
          ['How users act', orDash(matrix.actionability.description)],
        ],
      },
    ],
  };
}

function dataFeasibility(charter: Charter): Section {
  const data = charter.stages.dataFeasibility;
  const fair = data.fair;
  return {
    heading: '3. Data Feasibility',
    blocks: [
      {
        kind: 'table',
        headers: ['Source', 'Type', 'Volume', 'Updated', 'Access'],
        rows: data.sources.map((source) => [
          source.name,
          source.type,
          source.volume,
          source.updateFrequency,
          source.access,
        ]),
      },
      { kind: 'subheading', text: 'Quality on six dimensions' },
      {
        kind: 'table',
        headers: ['Dimension', 'Score (0–10)', 'Verdict'],
        rows: [
          ...QUALITY_DIMENSIONS.map((dimension) => {
            const score = data.quality[dimension];
            return [
              dimension,
              String(score),
              score < 4 ? 'fails (below 4)' : score <= 5 ? 'warning (4–5)' : 'ok',
            ];
          }),
          [
            'mean',
            String(data.meanQuality),
            data.qualityPasses ? 'passes (mean ≥ 6, none below 4)' : 'fails',
          ],
        ],
      },
      { kind: 'paragraph', text: orDash(data.qualityNotes) },
      { kind: 'subheading', text: 'Labeling' },
      {
        kind: 'fields',
        rows: [
          ['Method', orDash(data.labeling.method)],
          ['Cost', orDash(data.labeling.cost)],
          ['Time', orDash(data.labeling.time)],
          ['Quality assurance', orDash(data.labeling.qualityAssurance)],
        ],
      },
      { kind: 'subheading', text: 'FAIR principles' },
      {
        kind: 'fields',
        rows: [
          ['Findable', yesNo(fair.findable)],
          ['Accessible', yesNo(fair.accessible)],
          ['Interoperable', yesNo(fair.interoperable)],
          ['Reusable', yesNo(fair.reusable)],
          ['Gaps', joined(fair.gaps) || '—'],
        ],
      },
      { kind: 'subheading', text: 'Infrastructure' },
      {
        kind: 'paragraph',
        text: `${data.infrastructure.readiness}: ${orDash(data.infrastructure.description)}`,
      },
      { kind: 'paragraph', text: `Data feasibility: ${data.feasibility}.` },
    ],
  };
}

function userCentricity(charter: Charter): Section {
  const users = charter.stages.userCentricity;
  const phases = ['before', 'during', 'after'] as const;
  const interpretability = users.interpretability;
  return {
    heading: '4. User Centricity',
    blocks: [
      { kind: 'subheading', text: 'Personas' },
      {
        kind: 'table',
        headers: [
          'Role',
          'Goals',
          'Pain points',
          'Proficiency',
          'Frequency',
          'Decides',
          'Evidence',
        ],
        rows: users.personas.map((persona) => [
          persona.role,
          joined(persona.goals),
          joined(persona.painPoints),
          persona.proficiency,
          persona.frequency,
          persona.decisionAuthority,
          orDash(persona.researchEvidence),
        ]),
      },
      { kind: 'subheading', text: 'Journey' },
      {
        kind: 'table',
        headers: ['Phase', 'Touchpoints', 'Decision points', 'Risk areas'],
        rows: phases.map((phase) => [
          phase,
          joined(users.journey[phase].touchpoints),
          joined(users.journey[phase].decisionPoints),
          joined(users.journey[phase].riskAreas),
        ]),
      },
      { kind: 'subheading', text: 'Interpretability' },
      {
        kind: 'fields',
        rows: [
          ['Required level', interpretability.level],
          ['Explanations', `${interpretability.scope}: ${orDash(interpretability.method)}`],
          ['Audience', orDash(interpretability.audience)],
          ['Regulations', joined(interpretability.regulations, ', ') || '—'],
          ['Criticality', orDash(interpretability.criticality)],
          ...(users.interpretabilityRaisedBecause.length > 0
            ? ([
                ['Raised to high because', joined(users.interpretabilityRaisedBecause, ', ')],
              ] as Array<[string, string]>)
            : []),
        ],
      },
      { kind: 'subheading', text: 'Feedback' },
      listOrNone(
        users.feedback.map((item) => `${item.mechanism} (retraining: ${item.retrainingTrigger})`),
      ),
    ],
  };
}

function ethicalGovernance(charter: Charter): Section {
  const ethics = charter.stages.ethicalGovernance;
  const rows = PRINCIPLES.flatMap((principle) =>
    ethics.principles[principle].map((risk, index) => {
      const scored = ethics.assessed[principle][index]!;
      return [
        PRINCIPLE_TITLES[principle],
        risk.description,
        `${risk.severity} × ${risk.likelihood} = ${scored.initial} (${scored.initialLevel})`,
        risk.mitigations
          .map((item) => `${item.description} (${percent(item.effectiveness)})`)
          .join('; ') || '—',
        `${scored.residual} (${scored.residualLevel})`,
      ];
    }),
  );
  return {
    heading: '5. Ethical Governance',
    blocks: [
      { kind: 'table', headers: ['Principle', 'Risk', 'Initial', 'Mitigations', 'Residual'], rows },
      { kind: 'subheading', text: 'Residual level per principle' },
      {
        kind: 'fields',
        rows: PRINCIPLES.map((principle) => [
          PRINCIPLE_TITLES[principle],
          ethics.governance.levels[principle],
        ]),
      },
      { kind: 'subheading', text: 'Decision' },
      {
        kind: 'fields',
        rows: [
          ['Ethical decision', DECISION_TITLES[ethics.governance.decision]],
          ['Committee review required', yesNo(ethics.governance.requiresCommitteeReview)],
          ['Reasoning', ethics.governance.reasoning],
          ...(charter.decision.failedGates.length > 0
            ? ([
                [
                  'Charter decision',
                  `${DECISION_TITLES[charter.decision.decision]}, with failed gates in ${joined(charter.decision.failedGates, ', ')} (see Open items)`,
                ],
              ] as Array<[string, string]>)
            : []),
        ],
      },
      { kind: 'subheading', text: 'Residual risk and monitoring' },
      {
        kind: 'fields',
        rows: [
          ['Accepted residual risk', orDash(ethics.residualAcceptance)],
          ['Monitoring', orDash(ethics.monitoringPlan)],
          ['Escalation triggers', joined(ethics.escalationTriggers) || '—'],
          ['Shutdown triggers', joined(ethics.shutdownTriggers) || '—'],
        ],
      },
    ],
  };
}

function consistency(charter: Charter): Section {
  const review = charter.consistencyReview;
  return {
    heading: 'Consistency review',
    blocks: [
      { kind: 'paragraph', text: orDash(review.assessment) },
      review.contradictions.length > 0
        ? {
            kind: 'table',
            headers: ['Severity', 'Stages', 'Contradiction'],
            rows: review.contradictions.map((item) => [
              item.severity,
              joined(item.stages, ', '),
              item.description,
            ]),
          }
        : { kind: 'paragraph', text: 'No contradictions found between the stages.' },
    ],
  };
}

function openItems(charter: Charter): Section {
  const labels = {
    failed_gate: 'Failed gate',
    escalated_answer: 'Escalated answer',
    warning: 'Warning',
    contradiction: 'Contradiction',
  };
  return {
    heading: 'Open items',
    blocks: [
      listOrNone(
        charter.openItems.map((item) => `${labels[item.kind]}: ${item.description}`),
        'No open items.',
      ),
    ],
  };
}

function usage(charter: Charter): Section {
  const total = charter.usage;
  return {
    heading: 'Usage',
    blocks: [
      {
        kind: 'fields',
        rows: [
          ['LLM calls', String(total.calls)],
          ['Input tokens', String(total.inputTokens)],
          ['Output tokens', String(total.outputTokens)],
          ['Cache reads / writes', `${total.cacheReadTokens} / ${total.cacheWriteTokens}`],
          [
            'Cost',
            `${money(total.costUsd)}${total.unpricedCalls > 0 ? ` (+ ${total.unpricedCalls} calls without a known price)` : ''}`,
          ],
        ],
      },
      {
        kind: 'table',
        headers: ['Provider', 'Model', 'Calls', 'Input tokens', 'Output tokens', 'Cost'],
        rows: total.byProvider.map((entry) => [
          entry.provider,
          entry.model,
          String(entry.calls),
          String(entry.inputTokens),
          String(entry.outputTokens),
          money(entry.costUsd),
        ]),
      },
    ],
  };
}

const COMMITTEE = 'AI ethics committee';
const VOTES = { approve: 'Approved', reject: 'Rejected' } as const;

function committeeReview(charter: Charter): Section[] {
  const review = charter.approval.review;
  if (!review) return [];
  const blocks: Block[] = [{ kind: 'paragraph', text: reviewStatusLine(review) }];
  const fields: Array<[string, string]> = [
    ['Decision reviewed', orDash(review.reviewedDecision)],
    ['Requested', review.requestedAt.slice(0, 10)],
  ];
  if (review.note) fields.push(['Note to reviewers', review.note]);
  if (review.earlierRounds > 0) fields.push(['Earlier rounds', String(review.earlierRounds)]);
  blocks.push({ kind: 'fields', rows: fields });
  blocks.push({
    kind: 'table',
    headers: ['Reviewer', 'Vote', 'Comment', 'Date'],
    rows: review.reviewers.map((reviewer) => [
      reviewer.name,
      reviewer.vote ? VOTES[reviewer.vote] : 'Not yet voted',
      orDash(reviewer.comment),
      reviewer.votedAt?.slice(0, 10) ?? '—',
    ]),
  });
  return [{ heading: 'Committee review', blocks }];
}

/** The committee's line, signed by the review once it is decided. */
function committeeLine(charter: Charter): string[] {
  const review = charter.approval.review;
  if (!review || (review.status !== 'approved' && review.status !== 'rejected'))
    return [COMMITTEE, '', '', ''];
  const voters = review.reviewers.filter((reviewer) => reviewer.vote !== null);
  return [
    COMMITTEE,
    voters.map((reviewer) => reviewer.name).join(', '),
    `${VOTES[review.status === 'approved' ? 'approve' : 'reject']} (review round ${review.round})`,
    review.decidedAt!.slice(0, 10),
  ];
}

function approval(charter: Charter): Section {
  return {
    heading: 'Approval',
    blocks: [
      {
        kind: 'table',
        headers: ['Role', 'Name', 'Signature', 'Date'],
        rows: charter.approval.approvers.map((role) =>
          role === COMMITTEE ? committeeLine(charter) : [role, '', '', ''],
        ),
      },
    ],
  };
}
