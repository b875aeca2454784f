import type { FieldChange } from './diff';
import type {
  AnswerVerdict,
  ReplayAnswer,
  ReplayReport,
  ReplaySummary,
  ReplayUsage,
} from './types';

// Table cells hold user text and JSON: one line, long text clipped, then escaped so nothing in
// it can end the cell or the row (a pipe, a line break), open a code span that swallows the
// rest (a backtick) or be read as HTML (`<`, and `&` where it would start an entity).
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
const escapeText = (text: string) =>
  text
    .replace(/[\\`|]/g, '\\$&')
    .replace(/&(?=#?\w+;)/g, '&amp;')
    .replace(/</g, '&lt;');
const cell = (text: string, max = 80) => {
  const line = oneLine(text);
  const clipped = [...line].length > max ? `${[...line].slice(0, max - 1).join('')}…` : line;
  return escapeText(clipped);
};
// A code span in a cell: fenced by more backticks than any run in it, pipes escaped (GFM
// splits cells before it reads code spans).
const code = (text: string) => {
  const line = oneLine(text);
  const fence = '`'.repeat(Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${line.replace(/\|/g, '\\|')}${pad}${fence}`;
};
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const table = (head: string[], rows: string[][]) =>
  [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
const value = (v: unknown) => (v === undefined ? '(absent)' : cell(JSON.stringify(v), 60));
const usd = (n: number) => `$${n.toFixed(4)}`;
const signed = (n: number, digits = 2) =>
  `${n > 0 ? '+' : n < 0 ? '−' : '±'}${Math.abs(n).toFixed(digits)}`;
const tokens = (usage: ReplayUsage) => `${usage.inputTokens} / ${usage.outputTokens}`;
const cost = (usage: ReplayUsage) =>
  usd(usage.costUsd) + (usage.unpricedCalls > 0 ? ` (+${usage.unpricedCalls} unpriced)` : '');

const SOURCE_NOTE: Record<ReplayAnswer['source'], string> = {
  recorded: '',
  repeated: ' (accepted answer sent again)',
  none: ' (nothing recorded)',
  skipped: ' (not sent: skipped)',
};
const verdict = (v: AnswerVerdict | null) =>
  v ? [String(v.score), v.decision.replace('_', '-')] : ['—', '—'];
const gate = (g: { passed: boolean; missing: string[] } | null) =>
  g === null
    ? 'none'
    : g.passed
      ? 'passed'
      : `failed (missing: ${g.missing.map((item) => cell(item, 200)).join('; ')})`;

function changesTable(changes: FieldChange[]): string {
  if (changes.length === 0) return 'No field changed.';
  return table(
    ['Field', 'Old', 'New'],
    changes.map((change) => [
      change.path ? code(change.path) : '`(all)`',
      value(change.old),
      value(change.new),
    ]),
  );
}

function decisionLine(report: ReplayReport): string {
  const shift =
    report.meanScoreShift === null ? '' : ` Mean score shift: ${signed(report.meanScoreShift)}.`;
  const old = report.old.outcome ?? report.old.status;
  const next = report.new.outcome ?? report.new.status;
  return report.decisionChanged
    ? `**Decision changed: ${old} → ${next}.**${shift}`
    : `Decision unchanged: ${old}.${shift}`;
}

/** A replay report as Markdown: the runs side by side, each answer, each stage's changes. */
export function replayMarkdown(report: ReplayReport): string {
  const { old, new: next } = report;
  const runs = table(
    ['', 'Recorded', 'Replay'],
    [
      ['Workflow version', old.workflowVersion, next.workflowVersion],
      ['Prompt version', old.promptVersion, next.promptVersion],
      ['Models', old.models.join(', ') || '—', next.models.join(', ') || '—'],
      ['Status', old.status, next.status],
      ['Outcome', old.outcome ?? '—', next.outcome ?? '—'],
      ['LLM calls', String(old.usage.calls), String(next.usage.calls)],
      ['Tokens (in / out)', tokens(old.usage), tokens(next.usage)],
      ['Cost', cost(old.usage), cost(next.usage)],
    ].map((cells) => cells.map((text) => cell(text, 120))),
  );
  const answers = table(
    ['Stage', 'Question', 'Try', 'Answer', 'Old score', 'New score', 'Old', 'New'],
    report.answers.map((answer) => {
      const [oldScore, oldDecision] = verdict(answer.old);
      const [newScore, newDecision] = verdict(answer.new);
      const shift =
        answer.old && answer.new && answer.new.score !== answer.old.score
          ? ` (${signed(answer.new.score - answer.old.score, 0)})`
          : '';
      return [
        cell(answer.stageId),
        cell(answer.topicId ?? 'gap'),
        String(answer.attempt),
        cell(answer.answer, 50) + SOURCE_NOTE[answer.source],
        oldScore!,
        newScore! + shift,
        oldDecision!,
        newDecision!,
      ];
    }),
  );
  const stages = report.stages.map((stage) =>
    [
      `### ${cell(stage.stageId)}`,
      '',
      gate(stage.old.gate) === gate(stage.new.gate)
        ? `Gate: ${gate(stage.new.gate)}.`
        : `Gate: ${gate(stage.old.gate)} → ${gate(stage.new.gate)}.`,
      '',
      changesTable(stage.changes),
    ].join('\n'),
  );
  return [
    `# Replay of "${cell(report.title, 120)}"`,
    '',
    `Session \`${report.sessionId}\`, workflow \`${report.workflowId}\`. ${decisionLine(report)}`,
    '',
    runs,
    '',
    '## Answers',
    '',
    answers,
    '',
    '## Stages',
    '',
    stages.join('\n\n'),
    '',
    '## Result',
    '',
    changesTable(report.resultChanges),
    '',
  ].join('\n');
}

/**
 * Many replays as Markdown: the totals, a line per session, then the full report of each
 * session whose decision changed.
 */
export function replaySummaryMarkdown(summary: ReplaySummary): string {
  const { old, new: next } = summary.usage;
  const shift = summary.meanScoreShift === null ? 'none scored' : signed(summary.meanScoreShift);
  const sessions = table(
    ['Session', 'Title', 'Old outcome', 'New outcome', 'Score shift', 'Old cost', 'New cost'],
    summary.reports.map((report) => [
      `\`${report.sessionId}\``,
      cell(report.title, 40),
      report.old.outcome ?? report.old.status,
      (report.decisionChanged ? '**changed:** ' : '') + (report.new.outcome ?? report.new.status),
      report.meanScoreShift === null ? '—' : signed(report.meanScoreShift),
      usd(report.old.usage.costUsd),
      usd(report.new.usage.costUsd),
    ]),
  );
  return [
    `# Replay of ${summary.sessions} sessions`,
    '',
    `Decisions changed: ${summary.decisionsChanged} of ${summary.sessions}. ` +
      `Mean score shift: ${shift}. Cost: ${cost(old)} → ${cost(next)} ` +
      `(${signed(next.costUsd - old.costUsd, 4).replace(/^([+−±])/, '$1$')}). ` +
      `Tokens (in / out): ${tokens(old)} → ${tokens(next)}.`,
    '',
    sessions,
    '',
    ...summary.reports
      .filter((report) => report.decisionChanged)
      .map((report) => replayMarkdown(report).replace(/^#/gm, '##')),
  ].join('\n');
}
