import { describe, expect, it } from 'vitest';
import type { Session, Turn } from './api-types';
import { previewText, rebuildPlan, recordedAnswers } from './recorded-answers';
import { reportChanges } from './report-changes';

const charter = (decision: string, extra: Record<string, unknown> = {}) => ({
  kind: 'uaip-charter',
  date: '2026-12-05',
  decision: { decision, reasoning: 'Risks are low', failedGates: [] as string[] },
  quickFacts: { decision, primaryKpi: 'Monthly churn rate' },
  stages: {
    businessTranslation: { businessObjective: 'Reduce churn', alternativesTried: ['Discounts'] },
    valueQuantification: { kpis: [{ metric: 'Churn', baseline: '8%' }] },
  },
  usage: { calls: 10, costUsd: 0.1 },
  ...extra,
});

describe('reportChanges', () => {
  it('states a changed decision once, then each field that differs in plain words, without bookkeeping', () => {
    const before = charter('proceed');
    const after = charter('proceed_with_monitoring', {
      date: '2026-12-06',
      usage: { calls: 14, costUsd: 0.2 },
    });
    after.decision.failedGates = ['value-quantification'];
    after.stages.businessTranslation = {
      businessObjective: 'Cut churn to 5%',
      alternativesTried: ['Discounts', 'Exit survey'],
    };
    after.stages.valueQuantification.kpis[0]!.baseline = '7%';
    const changes = reportChanges(before, after);
    expect(changes.decision).toEqual({ before: 'Proceed', after: 'Proceed with monitoring' });
    expect(changes.fields).toEqual([
      { path: ['Decision', 'Failed gates'], kind: 'added', after: '"value-quantification"' },
      {
        path: ['Stages', 'Business translation', 'Business objective'],
        kind: 'changed',
        before: '"Reduce churn"',
        after: '"Cut churn to 5%"',
      },
      {
        path: ['Stages', 'Business translation', 'Alternatives tried'],
        kind: 'added',
        after: '"Exit survey"',
      },
      {
        path: ['Stages', 'Value quantification', 'KPIs', 'item 1', 'Baseline'],
        kind: 'changed',
        before: '"8%"',
        after: '"7%"',
      },
    ]);
  });

  it('matches the items of a list by their title or name, not their place', () => {
    const gate = (title: string, passed: boolean) => ({ title, passed, missing: [] });
    const before = { gates: [gate('Business Translation', false), gate('Data Feasibility', true)] };
    const after = {
      gates: [
        gate('Data Feasibility', true),
        gate('Business Translation', true),
        gate('Ethics', true),
      ],
    };
    expect(reportChanges(before, after).fields).toEqual([
      {
        path: ['Gates', 'Business Translation', 'Passed'],
        kind: 'changed',
        before: 'no',
        after: 'yes',
      },
      { path: ['Gates'], kind: 'added', after: '"Ethics"' },
    ]);
  });

  it('reports nothing but the same decision for equal reports, and objects added or removed in words', () => {
    expect(reportChanges(charter('halt'), charter('halt'))).toEqual({ decision: null, fields: [] });
    const before = { decision: 'revise', owner: { name: 'Ada', team: 'Data' } };
    const after = { decision: 'revise', reviewer: 'Grace' };
    expect(reportChanges(before, after).fields).toEqual([
      { path: ['Reviewer'], kind: 'added', after: '"Grace"' },
      { path: ['Owner'], kind: 'removed', before: 'Name: "Ada"; Team: "Data"' },
    ]);
  });
});

const turn = (fields: Partial<Turn> & Pick<Turn, 'id' | 'stageId'>): Turn => ({
  topicId: `${fields.stageId}-t1`,
  questionId: `q-${fields.id}`,
  kind: 'question',
  question: 'Q',
  answer: 'A',
  score: 8,
  issues: [],
  escalated: false,
  accepted: true,
  revisesTurnId: null,
  revisedBy: null,
  createdAt: '2026-12-05T00:00:00Z',
  ...fields,
});

const session = (
  status: Session['status'],
  stages: Array<[string, Session['stages'][0]['status']]>,
) =>
  ({
    status,
    stages: stages.map(([id, stageStatus]) => ({
      id,
      title: id.toUpperCase(),
      status: stageStatus,
    })),
  }) as Session;

describe('recordedAnswers and the rebuild preview', () => {
  it('keeps the answers of the record in their topic order, each under its question as first asked', () => {
    const turns = [
      turn({ id: '1', stageId: 'a', question: 'First topic?', answer: 'vague', accepted: false }),
      turn({ id: '2', stageId: 'a', kind: 'follow_up', question: 'More detail?', answer: 'ok' }),
      turn({ id: '3', stageId: 'a', topicId: 'a-t2', question: 'Second topic?', revisedBy: '4' }),
      turn({ id: '4', stageId: 'b', topicId: 'b-t1', question: 'B topic?', answer: 'b' }),
      turn({
        id: '5',
        stageId: 'a',
        topicId: 'a-t2',
        question: 'Second topic?',
        answer: 'new',
        revisesTurnId: '3',
      }),
    ];
    turns[2]!.revisedBy = '5';
    const groups = recordedAnswers(
      session('active', [
        ['a', 'completed'],
        ['b', 'active'],
      ]),
      turns,
    );
    expect(
      groups.map((group) => [
        group.stage.id,
        group.answers.map((item) => [item.question, item.turn.answer]),
      ]),
    ).toEqual([
      [
        'a',
        [
          ['First topic?', 'ok'],
          ['Second topic?', 'new'],
        ],
      ],
      ['b', [['B topic?', 'b']]],
    ]);
  });

  it('rebuilds the completed stages from the answer on, and the charter of a completed session', () => {
    const active = session('active', [
      ['a', 'completed'],
      ['b', 'completed'],
      ['c', 'active'],
    ]);
    expect(rebuildPlan(active, 'b').stages.map((stage) => stage.id)).toEqual(['b']);
    expect(previewText(rebuildPlan(active, 'c'))).toBe(
      'Saving will re-check this answer; nothing built on it needs rebuilding yet.',
    );
    const done = session('completed', [
      ['a', 'completed'],
      ['b', 'completed'],
    ]);
    expect(previewText(rebuildPlan(done, 'a'))).toBe(
      'Saving will re-check this answer, then rebuild: A, B and the charter (its decision may change). No question is asked again unless a rebuilt stage now misses something.',
    );
  });
});
