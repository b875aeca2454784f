import type { GateResult, QuestionKind, SessionStatus, StageStatus } from '../storage/types';

// The shapes clients see (the HTTP contract's objects). Types only, in a file of their own, so
// the workflow types can name them without importing the functions that build them.

/** A session as clients see it (the HTTP contract's session object). */
export interface Session {
  id: string;
  workflowId: string;
  workflowVersion: string;
  title: string;
  idea: string;
  status: SessionStatus;
  createdAt: string;
  updatedAt: string;
  version: number;
  currentStageId: string | null;
  stages: SessionStage[];
  pendingQuestion: PendingQuestion | null;
  usage: { inputTokens: number; outputTokens: number; costUsd: number; unpricedCalls: number };
  /** What the workflow's finish step produced; null until the session completes. */
  result: unknown | null;
}

/** One stage of a session: its status, artifact and gate result. */
export interface SessionStage {
  id: string;
  title: string;
  status: StageStatus;
  artifact: unknown | null;
  gate: GateResult | null;
}

/** The question a session waits on. */
export interface PendingQuestion {
  id: string;
  stageId: string;
  /** The topic it belongs to; null for a gap question. */
  topicId: string | null;
  text: string;
  /**
   * The question as first asked: for a follow-up, the topic's (or the gap's) question it
   * follows up, so a client can show both; otherwise the same as `text`.
   */
  originalText: string;
  /** The topic's place in its stage (1-based): question `topicNumber` of `topicCount`; null for a gap question. */
  topicNumber: number | null;
  /** How many topics the stage has. */
  topicCount: number;
  kind: QuestionKind;
  attempt: number;
  maxAttempts: number;
  lastScore: number | null;
  issues: string[];
}

/** One answered question of the transcript. */
export interface Turn {
  stageId: string;
  topicId: string | null;
  questionId: string;
  kind: QuestionKind;
  question: string;
  answer: string;
  attempt: number;
  score: number;
  issues: string[];
  escalated: boolean;
  provider: string;
  model: string;
  createdAt: string;
}

/** What became of an answer. */
export interface AnswerOutcome {
  kind: 'follow_up' | 'accepted' | 'stage_completed' | 'session_completed';
  quality: { score: number; threshold: number; issues: string[] };
  escalated: boolean;
}

/** The session after a turn, and what became of the answer. */
export interface AnswerResult {
  session: Session;
  outcome: AnswerOutcome;
}

/** Token and cost totals of a group of calls. */
export interface UsageFigures {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** A session's LLM usage: the HTTP contract's usage object. */
export interface UsageSummary {
  total: UsageFigures & {
    cacheReadTokens: number;
    cacheWriteTokens: number;
    unpricedCalls: number;
  };
  byProvider: Array<UsageFigures & { provider: string; model: string }>;
  byStage: Array<UsageFigures & { stageId: string }>;
}
