import { describe, expect, it } from 'vitest';
import { fixedClock } from '../testing/index';
import { launchJudge, launchV1, launchV2, recordLaunch } from './fixtures.test-support';
import { NOTHING_RECORDED } from './recorded-answers';
import { replaySession, replaySessions } from './replay-session';

// The recorded session: the objective accepted at once; the measure followed up once (no
// metric), then accepted with one; the steps accepted. Every gate passed: outcome `go`.
const ANSWERS = [
  'Cut monthly churn score:9',
  'We will watch it score:5',
  'Track metric=churn monthly score:9',
  'Train a model, then ship it score:8',
];
const workflows = [launchV1, launchV2];

describe('replaySession', () => {
  it('replays on the same version and model with nothing changed', async () => {
    const recorded = await recordLaunch(ANSWERS);
    const report = await replaySession(recorded, {
      workflows,
      llm: launchJudge(),
      clock: fixedClock(),
    });

    expect(report.answers.map((row) => [row.source, row.old, row.new])).toEqual([
      ['recorded', { score: 9, decision: 'accepted' }, { score: 9, decision: 'accepted' }],
      ['recorded', { score: 5, decision: 'follow_up' }, { score: 5, decision: 'follow_up' }],
      ['recorded', { score: 9, decision: 'accepted' }, { score: 9, decision: 'accepted' }],
      ['recorded', { score: 8, decision: 'accepted' }, { score: 8, decision: 'accepted' }],
    ]);
    expect(report.stages.every((stage) => stage.changes.length === 0)).toBe(true);
    expect(report.old.outcome).toBe('go');
    expect(report.new.outcome).toBe('go');
    expect(report.decisionChanged).toBe(false);
    expect(report.meanScoreShift).toBe(0);
    expect(report.new.usage).toEqual(report.old.usage);
  });

  it('on a stricter prompt version: lower scores, repeated answers and escalations', async () => {
    const recorded = await recordLaunch(ANSWERS);
    const report = await replaySession(recorded, {
      workflows,
      llm: launchJudge(),
      workflowVersion: '2',
      clock: fixedClock(),
    });

    expect(report.new.workflowVersion).toBe('2');
    expect(report.new.promptVersion).toBe('strict-2');
    expect(report.old.promptVersion).toBe('core-1');
    const goal = report.answers.filter((row) => row.stageId === 'goal');
    // The objective, now 6, is followed up twice with the same answer, then escalated.
    expect(goal.map((row) => [row.topicId, row.attempt, row.source, row.new])).toEqual([
      ['objective', 1, 'recorded', { score: 6, decision: 'follow_up' }],
      ['objective', 2, 'repeated', { score: 6, decision: 'follow_up' }],
      ['objective', 3, 'repeated', { score: 6, decision: 'escalated' }],
      ['measure', 1, 'recorded', { score: 2, decision: 'follow_up' }],
      ['measure', 2, 'recorded', { score: 6, decision: 'follow_up' }],
      ['measure', 3, 'repeated', { score: 6, decision: 'escalated' }],
    ]);
    expect(report.meanScoreShift).toBe(-3);
    expect(report.decisionChanged).toBe(false);
    // More answers, more scoring calls at $0.001 each.
    expect(report.new.usage.calls).toBeGreaterThan(report.old.usage.calls);
    expect(report.new.usage.costUsd).toBeGreaterThan(report.old.usage.costUsd);
  });

  it('on a lenient model: a skipped follow-up, an unrecorded gap question, a changed decision', async () => {
    const recorded = await recordLaunch(ANSWERS);
    const report = await replaySession(recorded, {
      workflows,
      llm: launchJudge(fixedClock(), 8),
      clock: fixedClock(),
    });

    expect(report.new.models).toEqual(['lenient/lenient-model']);
    expect(report.old.models).toEqual(['judge/judge-model']);
    const measure = report.answers.filter(
      (row) => row.stageId === 'goal' && row.topicId !== 'objective',
    );
    expect(measure.map((row) => [row.topicId, row.kind, row.source, row.old, row.new])).toEqual([
      [
        'measure',
        'question',
        'recorded',
        { score: 5, decision: 'follow_up' },
        { score: 8, decision: 'accepted' },
      ],
      // Accepted at once, so the answer that carried the metric was never sent ...
      ['measure', 'follow_up', 'skipped', { score: 9, decision: 'accepted' }, null],
      // ... the gate failed, and the old run had no answer to the gap question.
      [null, 'gap', 'none', null, { score: 8, decision: 'accepted' }],
    ]);
    expect(measure[2]!.answer).toBe(NOTHING_RECORDED);
    const goal = report.stages.find((stage) => stage.stageId === 'goal')!;
    expect(goal.changes).toEqual([{ path: 'metric', old: 'churn', new: '' }]);
    expect(goal.old.gate).toEqual({ passed: true, missing: [] });
    expect(goal.new.gate).toEqual({ passed: false, missing: ['a success metric'] });
    expect(report.old.outcome).toBe('go');
    expect(report.new.outcome).toBe('revise');
    expect(report.resultChanges).toEqual([{ path: 'outcome', old: 'go', new: 'revise' }]);
    expect(report.decisionChanged).toBe(true);
  });

  it('sends a revised answer in place of the one it replaced, as the export records it', async () => {
    // The metric's answer revised after completion: the export keeps both turns, the revision
    // pointing at the turn it revised, and the artifact built on the revision.
    const recorded = await recordLaunch(ANSWERS, launchJudge(), [
      { of: 2, answer: 'Track metric=nps every quarter score:8' },
    ]);
    const revised = recorded.turns.find((turn) => turn.revisesTurnId !== null)!;
    expect(recorded.turns.find((turn) => turn.id === revised.revisesTurnId)?.answer).toBe(
      ANSWERS[2],
    );
    const report = await replaySession(recorded, {
      workflows,
      llm: launchJudge(),
      clock: fixedClock(),
    });

    const measure = report.answers.filter((row) => row.topicId === 'measure');
    expect(measure.map((row) => [row.source, row.answer, row.new?.decision])).toEqual([
      ['recorded', ANSWERS[1], 'follow_up'],
      ['recorded', 'Track metric=nps every quarter score:8', 'accepted'],
    ]);
    expect(report.answers.map((row) => row.answer)).not.toContain(ANSWERS[2]);
    const goal = report.stages.find((stage) => stage.stageId === 'goal')!;
    expect(goal.old.artifact).toMatchObject({ metric: 'nps' });
    expect(report.stages.every((stage) => stage.changes.length === 0)).toBe(true);
    expect(report.decisionChanged).toBe(false);
  });

  it('refuses a workflow version it was not given, naming those it has', async () => {
    const recorded = await recordLaunch(ANSWERS);
    await expect(
      replaySession(recorded, { workflows, llm: launchJudge(), workflowVersion: '9' }),
    ).rejects.toThrow('No version "9" of workflow "launch" to replay on (known: 1, 2)');
  });
});

describe('replaySessions', () => {
  it('counts the changed decisions and sums the costs', async () => {
    const unchanged = await recordLaunch([
      'Cut monthly churn score:9',
      'Track metric=churn monthly score:9',
      'Train a model, then ship it score:8',
    ]);
    const changed = await recordLaunch(ANSWERS);
    const summary = await replaySessions([unchanged, changed], {
      workflows,
      llm: launchJudge(fixedClock(), 8),
      clock: fixedClock(),
    });

    expect(summary.sessions).toBe(2);
    expect(summary.decisionsChanged).toBe(1);
    expect(summary.reports.map((report) => report.decisionChanged)).toEqual([false, true]);
    // Scored by both: 9→8, 9→8, 8→8 and 9→8, 5→8, 8→8.
    expect(summary.meanScoreShift).toBeCloseTo((-1 - 1 + 0 - 1 + 3 + 0) / 6);
    expect(summary.usage.old.costUsd).toBeCloseTo(
      summary.reports[0]!.old.usage.costUsd + summary.reports[1]!.old.usage.costUsd,
    );
    expect(summary.usage.new.calls).toBe(
      summary.reports[0]!.new.usage.calls + summary.reports[1]!.new.usage.calls,
    );
  });
});
