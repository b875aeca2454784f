import type { Clock } from '../clock';
import { UaipError } from '../errors';
import type { SessionExport } from '../export/schema';
import type { LlmProvider } from '../llm/types';
import { createOrchestrator } from '../orchestrator/create-orchestrator';
import type { QualityOptions } from '../orchestrator/quality';
import type { Session } from '../orchestrator/view-types';
import { createMemoryStorage } from '../storage/memory-storage';
import type { Workflow } from '../workflow/types';
import { fieldChanges } from './diff';
import { answerKey, recordedAnswers } from './recorded-answers';
import type {
  ReplayAnswer,
  ReplayReport,
  ReplayRun,
  ReplayStage,
  ReplaySummary,
  ReplayUsage,
} from './types';

/** Options of {@link replaySession}. */
export interface ReplayOptions {
  /** The workflows to replay on; the one with the export's id and the chosen version is used. */
  workflows: Workflow[];
  /** The model to replay with. */
  llm: LlmProvider;
  /** The workflow version to replay on. @default the version the session was recorded on */
  workflowVersion?: string;
  /** @default the system clock */
  clock?: Clock;
  /**
   * The quality loop's settings. @default those the session was recorded with, so only the
   * prompt or model differs
   */
  quality?: QualityOptions;
  /** A replay that has not completed after this many answers stops. @default 500 */
  maxAnswers?: number;
}

const REPLAYER = { userId: 'replay' };

/**
 * Re-runs a recorded session's answers through another workflow (prompt) version or another
 * model, without asking anyone, on a fresh in-memory orchestrator: the session is started
 * with the export's idea and title, and each question the new run asks gets the old run's
 * answer to the same question at the same attempt (see {@link ReplayAnswer.source} for when
 * there is none). Reports each answer's old and new score and decision, each stage's artifact
 * diff and gate, the outcome (U-AIP: the charter's decision), tokens and cost of both runs.
 *
 * @example
 * ```ts
 * const report = await replaySession(exported, { workflows: [uaipWorkflow], llm: demoProvider() });
 * if (report.decisionChanged) console.log(replayMarkdown(report));
 * ```
 */
export async function replaySession(
  document: SessionExport,
  options: ReplayOptions,
): Promise<ReplayReport> {
  const recorded = document.session;
  const version = options.workflowVersion ?? recorded.workflowVersion;
  const workflow = options.workflows.find(
    (candidate) => candidate.id === recorded.workflowId && candidate.version === version,
  );
  if (!workflow) {
    const known = options.workflows
      .filter((candidate) => candidate.id === recorded.workflowId)
      .map((candidate) => candidate.version);
    throw new UaipError(
      'validation_failed',
      `No version "${version}" of workflow "${recorded.workflowId}" to replay on` +
        (known.length > 0 ? ` (known: ${known.join(', ')})` : ''),
    );
  }
  const storage = createMemoryStorage();
  // Only the chosen version is registered: `start` takes a workflow's latest.
  const orchestrator = createOrchestrator({
    storage,
    llm: options.llm,
    workflows: [workflow],
    clock: options.clock,
    quality: options.quality ?? recorded.quality ?? undefined,
  });
  const answers = recordedAnswers(document);
  const rows: Array<ReplayAnswer & { key: string }> = [];
  let session: Session = await orchestrator.start(REPLAYER, {
    workflowId: workflow.id,
    title: recorded.title,
    idea: recorded.idea,
  });
  const maxAnswers = options.maxAnswers ?? 500;
  while (session.pendingQuestion && rows.length < maxAnswers) {
    const question = session.pendingQuestion;
    const key = answerKey(question.stageId, question.topicId);
    const pick = answers.next(key);
    const { outcome, session: after } = await orchestrator.answer(REPLAYER, session.id, {
      questionId: question.id,
      answer: pick.text,
    });
    rows.push({
      key,
      stageId: question.stageId,
      topicId: question.topicId,
      kind: question.kind,
      attempt: question.attempt,
      source: pick.source,
      answer: pick.text,
      old: pick.old,
      new: {
        score: outcome.quality.score,
        decision:
          outcome.kind === 'follow_up' ? 'follow_up' : outcome.escalated ? 'escalated' : 'accepted',
      },
    });
    session = after;
  }
  for (const { key, ...unsent } of answers.unsent()) {
    // After the new run's last answer to the same question, or at the end.
    const at = rows.findLastIndex((row) => row.key === key);
    const row = { key, ...unsent, source: 'skipped' as const, new: null };
    rows.splice(at === -1 ? rows.length : at + 1, 0, row);
  }

  const newRecord = (await storage.getSession(REPLAYER.userId, session.id))!;
  const newCalls = await storage.listUsage(REPLAYER.userId, session.id);
  const oldRun: ReplayRun = {
    workflowVersion: recorded.workflowVersion,
    promptVersion: recorded.promptVersion,
    models: modelsOf(document.usage),
    status: recorded.status,
    outcome: outcomeOf(recorded.result),
    usage: usageOf(recorded.usage),
  };
  const newRun: ReplayRun = {
    workflowVersion: workflow.version,
    promptVersion: newRecord.promptVersion,
    models: modelsOf(newCalls),
    status: session.status,
    outcome: outcomeOf(session.result),
    usage: usageOf(newRecord.usage),
  };
  const scored = rows.filter((row) => row.old && row.new);
  return {
    sessionId: recorded.id,
    title: recorded.title,
    workflowId: recorded.workflowId,
    old: oldRun,
    new: newRun,
    answers: rows.map(({ key: _key, ...row }) => row),
    stages: stagesOf(document, session, workflow),
    resultChanges: fieldChanges(recorded.result, session.result),
    decisionChanged: oldRun.outcome !== newRun.outcome || oldRun.status !== newRun.status,
    meanScoreShift: mean(scored.map((row) => row.new!.score - row.old!.score)),
  };
}

/**
 * Replays many sessions, one after another, with the same options, and sums them up: how
 * many decisions changed, the mean score shift over every answer both runs scored, and the
 * tokens and cost of the old and new runs.
 */
export async function replaySessions(
  documents: SessionExport[],
  options: ReplayOptions,
): Promise<ReplaySummary> {
  const reports: ReplayReport[] = [];
  for (const document of documents) reports.push(await replaySession(document, options));
  const shifts = reports.flatMap((report) =>
    report.answers
      .filter((row) => row.old && row.new)
      .map((row) => row.new!.score - row.old!.score),
  );
  return {
    sessions: reports.length,
    decisionsChanged: reports.filter((report) => report.decisionChanged).length,
    meanScoreShift: mean(shifts),
    usage: {
      old: sumUsage(reports.map((report) => report.old.usage)),
      new: sumUsage(reports.map((report) => report.new.usage)),
    },
    reports,
  };
}

function stagesOf(document: SessionExport, session: Session, workflow: Workflow): ReplayStage[] {
  // The new workflow's stages in order, then any only the old version had.
  const ids = [
    ...new Set([
      ...workflow.stages.map((stage) => stage.id),
      ...document.session.stages.map((s) => s.stageId),
    ]),
  ];
  return ids.map((stageId) => {
    const before = document.session.stages.find((stage) => stage.stageId === stageId);
    const after = session.stages.find((stage) => stage.id === stageId);
    const old = { artifact: before?.artifact ?? null, gate: before?.gate ?? null };
    const next = { artifact: after?.artifact ?? null, gate: after?.gate ?? null };
    return { stageId, old, new: next, changes: fieldChanges(old.artifact, next.artifact) };
  });
}

function outcomeOf(result: unknown): string | null {
  const outcome = (result as { outcome?: unknown } | null)?.outcome;
  return typeof outcome === 'string' ? outcome : null;
}

function modelsOf(calls: Array<{ provider: string; model: string; outcome: string }>): string[] {
  return [
    ...new Set(
      calls.filter((call) => call.outcome === 'ok').map((call) => `${call.provider}/${call.model}`),
    ),
  ];
}

const usageOf = (totals: ReplayUsage): ReplayUsage => ({
  calls: totals.calls,
  inputTokens: totals.inputTokens,
  outputTokens: totals.outputTokens,
  costUsd: totals.costUsd,
  unpricedCalls: totals.unpricedCalls,
});

function sumUsage(all: ReplayUsage[]): ReplayUsage {
  const total: ReplayUsage = {
    calls: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    unpricedCalls: 0,
  };
  for (const usage of all)
    for (const key of Object.keys(total) as Array<keyof ReplayUsage>) total[key] += usage[key];
  return total;
}

const mean = (values: number[]) =>
  values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
