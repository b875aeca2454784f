import { describe, expect, it } from 'vitest';
import type { StageRecord } from '../index';
import { twoStageWorkflow as workflow } from './fixtures.test-support';
import {
  afterGate,
  followUpQuestion,
  gapQuestion,
  initialStages,
  nextTopic,
  stageContext,
  topicQuestion,
} from './transitions';

const seed = { id: 'q-1', now: '2026-01-01T00:00:00.000Z' };
const context = {
  title: 'T',
  idea: 'I',
  artifacts: { goal: { objective: 'cut churn', metric: 'churn' } },
};

describe('transitions', () => {
  it('starts with the first stage active and the rest pending', () => {
    expect(
      initialStages(workflow).map((stage) => [stage.stageId, stage.status, stage.gapAsked]),
    ).toEqual([
      ['goal', 'active', false],
      ['plan', 'pending', false],
    ]);
  });

  it('writes a topic question, from earlier artifacts when it is a function', () => {
    expect(topicQuestion(workflow, 0, 1, context, 3, seed)).toEqual({
      id: 'q-1',
      stageId: 'goal',
      topicId: 'measure',
      kind: 'question',
      text: 'How will success be measured?',
      attempt: 1,
      maxAttempts: 3,
      lastScore: null,
      issues: [],
      askedAt: seed.now,
    });
    expect(topicQuestion(workflow, 1, 0, context, 3, seed).text).toBe(
      'What are the steps to reach "cut churn"?',
    );
  });

  it('follows up on the same topic with the next attempt, the score and the issues', () => {
    const first = topicQuestion(workflow, 0, 0, context, 3, seed);
    const follow = followUpQuestion(
      first,
      { score: 4, issues: ['No figure'], followUp: 'Which figure?' },
      { id: 'q-2', now: seed.now },
    );
    expect(follow).toMatchObject({
      id: 'q-2',
      topicId: 'objective',
      kind: 'follow_up',
      attempt: 2,
      lastScore: 4,
      issues: ['No figure'],
      text: 'Which figure?',
    });
  });

  it('writes its own follow-up when the scorer gave none', () => {
    const first = topicQuestion(workflow, 0, 0, context, 3, seed);
    expect(
      followUpQuestion(first, { score: 4, issues: ['No figure'], followUp: ' ' }, seed).text,
    ).toContain('No figure');
    expect(followUpQuestion(first, { score: 4, issues: [], followUp: '' }, seed).text).toMatch(
      /more specific/,
    );
  });

  it("moves to the next topic, and to none after the stage's last topic or a gap", () => {
    const first = topicQuestion(workflow, 0, 0, context, 3, seed);
    expect(nextTopic(workflow, first)).toEqual({ stageIndex: 0, topicIndex: 1 });
    expect(nextTopic(workflow, topicQuestion(workflow, 0, 1, context, 3, seed))).toBeNull();
    expect(nextTopic(workflow, gapQuestion(workflow, 'goal', ['x'], context, 3, seed))).toBeNull();
  });

  it('asks one gap question for a failed gate, then completes the stage anyway', () => {
    const stage: StageRecord = initialStages(workflow)[0]!;
    const failed = { passed: false, missing: ['a metric'] };
    expect(afterGate(workflow, stage, failed)).toEqual({ kind: 'ask_gap' });
    expect(afterGate(workflow, { ...stage, gapAsked: true }, failed)).toEqual({
      kind: 'complete_stage',
      nextStageIndex: 1,
    });
    expect(afterGate(workflow, stage, { passed: true, missing: [] })).toEqual({
      kind: 'complete_stage',
      nextStageIndex: 1,
    });
    const last = initialStages(workflow)[1]!;
    expect(afterGate(workflow, last, { passed: true, missing: [] })).toEqual({
      kind: 'complete_stage',
      nextStageIndex: null,
    });
  });

  it('names what is missing in the default gap question', () => {
    expect(
      gapQuestion(workflow, 'goal', ['a metric', 'a baseline'], context, 3, seed),
    ).toMatchObject({
      kind: 'gap',
      topicId: null,
      issues: ['a metric', 'a baseline'],
      attempt: 1,
    });
    expect(gapQuestion(workflow, 'goal', ['a metric'], context, 3, seed).text).toContain(
      'a metric',
    );
  });

  it("gives questions and gates only the completed stages' artifacts", () => {
    const stages = initialStages(workflow).map((stage, index) =>
      index === 0
        ? { ...stage, status: 'completed' as const, artifact: { objective: 'o' } }
        : { ...stage, artifact: { half: true } },
    );
    expect(stageContext({ title: 't', idea: 'i', stages }).artifacts).toEqual({
      goal: { objective: 'o' },
    });
  });
});
