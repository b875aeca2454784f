import { describe, expect, it } from 'vitest';
import { fixedClock } from '../testing/index';
import { launchJudge, launchV1, launchV2, recordLaunch } from './fixtures.test-support';
import { replayMarkdown, replaySummaryMarkdown } from './markdown';
import { replaySession, replaySessions } from './replay-session';
import type { ReplayReport, ReplayRun } from './types';

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

/** The cells of a table row: split at the pipes no backslash escapes. */
function cellsOf(line: string): string[] {
  const cells: string[] = [];
  let current = '';
  for (let index = 0; index < line.length; index++) {
    const char = line[index]!;
    if (char === '\\') {
      current += char + (line[index + 1] ?? '');
      index++;
    } else if (char === '|') {
      cells.push(current.trim());
      current = '';
    } else current += char;
  }
  return cells.slice(1);
}

/** The tables of a Markdown text: runs of lines starting with a pipe, each row as its cells. */
const tablesOf = (markdown: string) =>
  markdown
    .split(/\n(?!\|)/)
    .map((block) => block.split('\n').filter((line) => line.startsWith('|')))
    .filter((rows) => rows.length > 0)
    .map((rows) => rows.map(cellsOf));

describe('replayMarkdown of hostile values', () => {
  const run: ReplayRun = {
    workflowVersion: '1',
    promptVersion: 'p',
    models: ['m'],
    status: 'completed',
    outcome: 'go',
    usage: { calls: 1, inputTokens: 1, outputTokens: 1, costUsd: 0, unpricedCalls: 0 },
  };
  const hostile = 'a | b\n| c | d |\n`code` <img src=x onerror=alert(1)> &lt; end\\';
  const report: ReplayReport = {
    sessionId: 's1',
    title: 'T | <b>itle</b>\nsecond line',
    workflowId: 'w',
    old: run,
    new: { ...run, outcome: 'revise' },
    answers: [
      {
        stageId: 'goal',
        topicId: 'objective',
        kind: 'question',
        attempt: 1,
        source: 'recorded',
        answer: hostile,
        old: { score: 9, decision: 'accepted' },
        new: { score: 9, decision: 'accepted' },
      },
    ],
    stages: [
      {
        stageId: 'goal',
        old: { artifact: { note: 'x' }, gate: { passed: true, missing: [] } },
        new: { artifact: { note: hostile }, gate: { passed: false, missing: ['a <b>|</b>'] } },
        changes: [
          { path: 'note', old: 'x', new: hostile },
          { path: 'odd|key`s', old: { list: [hostile] }, new: undefined },
        ],
      },
    ],
    resultChanges: [{ path: 'outcome', old: 'go', new: 'revise' }],
    decisionChanged: true,
    meanScoreShift: 0,
  };

  it('keeps pipes, line breaks, backticks and HTML in their cells', () => {
    const markdown = replayMarkdown(report);
    const tables = tablesOf(markdown);
    // The runs, the answers, the goal stage's changes, the result.
    expect(tables.map((rows) => rows.length)).toEqual([10, 3, 4, 3]);
    for (const rows of tables)
      for (const cells of rows) expect(cells).toHaveLength(rows[0]!.length);
    expect(markdown).not.toMatch(/<(img|b)\b/);
    const [answers, changes] = [tables[1]!, tables[2]!];
    // Clipped before escaping, so an escape is never cut in two.
    expect(answers[2]![3]).toBe(
      String.raw`a \| b \| c \| d \| \`code\` &lt;img src=x onerror=alert(1…`,
    );
    // JSON in the cells: its own escapes kept.
    expect(changes[2]).toEqual([
      '`note`',
      '"x"',
      String.raw`"a \| b\\n\| c \| d \|\\n\`code\` &lt;img src=x onerror=alert(1)> &amp;lt;…`,
    ]);
    expect(changes[3]![0]).toBe(String.raw`${'``'}odd\|key${'`'}s${'``'}`);
    expect(changes[3]![2]).toBe('(absent)');
    expect(markdown).toContain(String.raw`# Replay of "T \| &lt;b>itle&lt;/b> second line"`);
    expect(markdown).toContain(String.raw`Gate: passed → failed (missing: a &lt;b>\|&lt;/b>).`);
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
