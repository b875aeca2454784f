import type { GateResult, QuestionKind } from '../storage/types';
import type { FieldChange } from './diff';

/** What became of one answer: accepted, followed up, or accepted at the last allowed attempt. */
export type AnswerDecision = 'accepted' | 'follow_up' | 'escalated';

/** How one run judged an answer. */
export interface AnswerVerdict {
  score: number;
  decision: AnswerDecision;
}

/**
 * One answer of the replay, in the new run's order: the recorded answer sent, with the old
 * run's verdict on the same answer of the same question and the new run's.
 */
export interface ReplayAnswer {
  stageId: string;
  /** Null for a stage's gap question and its follow-ups. */
  topicId: string | null;
  /** The kind of question it answered (in the new run; in the old one when skipped). */
  kind: QuestionKind;
  /** Its place among the question's answers, from 1. */
  attempt: number;
  /**
   * `recorded`: the old run's answer at this attempt; `repeated`: the new run asked more
   * follow-ups than the old one got answers, so the accepted answer was sent again; `none`:
   * the old run never asked this question (a new topic, or a gap question its gate did not
   * need), so a fixed "nothing recorded" answer was sent; `skipped`: the old run's answer was
   * never sent, because the new run accepted an earlier one or never asked the question.
   */
  source: 'recorded' | 'repeated' | 'none' | 'skipped';
  answer: string;
  /** Null when the old run never got an answer at this attempt. */
  old: AnswerVerdict | null;
  /** Null when skipped. */
  new: AnswerVerdict | null;
}

/** A stage's artifact and gate in both runs, and the fields that changed. */
export interface ReplayStage {
  stageId: string;
  old: { artifact: unknown | null; gate: GateResult | null };
  new: { artifact: unknown | null; gate: GateResult | null };
  changes: FieldChange[];
}

/** Token and cost totals of one run (failed calls included, as in the usage ledger). */
export interface ReplayUsage {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Calls to models without a known price, left out of `costUsd`. */
  unpricedCalls: number;
}

/** One run of the session: the recorded one or the replay. */
export interface ReplayRun {
  workflowVersion: string;
  promptVersion: string;
  /** The `provider/model` pairs that answered, in order of first use. */
  models: string[];
  status: 'active' | 'completed';
  /** The result's `outcome` (U-AIP: the charter's decision); null without one. */
  outcome: string | null;
  usage: ReplayUsage;
}

/** A recorded session replayed: old and new run side by side. */
export interface ReplayReport {
  sessionId: string;
  title: string;
  workflowId: string;
  old: ReplayRun;
  new: ReplayRun;
  answers: ReplayAnswer[];
  stages: ReplayStage[];
  /** The fields of the result (U-AIP: decision, summary, ...) that changed. */
  resultChanges: FieldChange[];
  /** Whether the outcome differs, or one run completed and the other did not. */
  decisionChanged: boolean;
  /** The mean of new minus old score over the answers both runs scored; null when none. */
  meanScoreShift: number | null;
}

/** Many sessions replayed: what changed overall, and each session's report. */
export interface ReplaySummary {
  sessions: number;
  decisionsChanged: number;
  /** The mean of new minus old score over every answer both runs scored; null when none. */
  meanScoreShift: number | null;
  usage: { old: ReplayUsage; new: ReplayUsage };
  reports: ReplayReport[];
}
