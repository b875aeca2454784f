import { describe, expect, it } from 'vitest';
import { fixedClock } from '../testing/index';
import { launchJudge, launchV1, launchV2, recordLaunch } from './fixtures.test-support';
import { replayMarkdown, replaySummaryMarkdown } from './markdown';
import { replaySession, replaySessions } from './replay-session';

const ANSWERS = [
  'Cut monthly churn score:9',
  'We will watch it | score:5',
  'Track metric=churn monthly score:9',
  'Train a model, then ship it score:8',
];
const options = {
  workflows: [launchV1, launchV2],
  llm: launchJudge(fixedClock(), 8),
  clock: fixedClock(),
};

describe('replayMarkdown', () => {
  it('shows the changed decision, each answer, and the fields and gates that changed', async () => {
    const markdown = replayMarkdown(await replaySession(await recordLaunch(ANSWERS), options));

    expect(markdown).toContain('**Decision changed: go → revise.**');
    expect(markdown).toContain('| Outcome | go | revise |');
    expect(markdown).toContain('| Models | judge/judge-model | lenient/lenient-model |');
    // A pipe in an answer stays inside its cell.
    expect(markdown).toContain(
      '| goal | measure | 1 | We will watch it \\| score:5 | 5 | 8 (+3) | follow-up | accepted |',
    );
    expect(markdown).toContain('(not sent: skipped) | 9 | — | accepted | — |');
    expect(markdown).toContain('(nothing recorded) | — | 8 | — | accepted |');
    expect(markdown).toContain('Gate: passed → failed (missing: a success metric).');
    expect(markdown).toContain('| `metric` | "churn" | "" |');
    expect(markdown).toContain('| `outcome` | "go" | "revise" |');
  });
});

describe('replaySummaryMarkdown', () => {
  it('gives the totals, a line per session and the report of each changed one', async () => {
    const unchanged = await recordLaunch([
      'Cut monthly churn score:8',
      'Track metric=churn monthly score:8',
      'Train a model, then ship it score:8',
    ]);
    const summary = await replaySessions([unchanged, await recordLaunch(ANSWERS)], options);
    const markdown = replaySummaryMarkdown(summary);

    expect(markdown).toMatch(/^# Replay of 2 sessions\n\nDecisions changed: 1 of 2\. /);
    expect(markdown.match(/\| \*\*changed:\*\* revise \|/g)).toHaveLength(1);
    expect(markdown.match(/^## Replay of "Cut churn"/gm)).toHaveLength(1);
    expect(markdown).toContain('### Answers');
  });
});
