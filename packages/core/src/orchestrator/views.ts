import type {
  GateResult,
  QuestionKind,
  SessionRecord,
  SessionStatus,
  StageStatus,
  TurnRecord,
} from '../storage/types';
import type { Workflow } from '../workflow/types';

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

export interface SessionStage {
  id: string;
  title: string;
  status: StageStatus;
  artifact: unknown | null;
  gate: GateResult | null;
}

export interface PendingQuestion {
  id: string;
  stageId: string;
  text: string;
  kind: QuestionKind;
  attempt: number;
  maxAttempts: number;
  lastScore: number | null;
  issues: string[];
}

/** One answered question of the transcript. */
export interface Turn {
  stageId: string;
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

export interface AnswerResult {
  session: Session;
  outcome: AnswerOutcome;
}

export function toSession(record: SessionRecord, workflow: Workflow): Session {
  const titles = new Map(workflow.stages.map((stage) => [stage.id, stage.title]));
  const pending = record.pending;
  return {
    id: record.id,
    workflowId: record.workflowId,
    workflowVersion: record.workflowVersion,
    title: record.title,
    idea: record.idea,
    status: record.status,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    version: record.version,
    currentStageId: record.currentStageId,
    stages: record.stages.map((stage) => ({
      id: stage.stageId,
      title: titles.get(stage.stageId) ?? stage.stageId,
      status: stage.status,
      artifact: stage.artifact,
      gate: stage.gate,
    })),
    pendingQuestion: pending && {
      id: pending.id,
      stageId: pending.stageId,
      text: pending.text,
      kind: pending.kind,
      attempt: pending.attempt,
      maxAttempts: pending.maxAttempts,
      lastScore: pending.lastScore,
      issues: pending.issues,
    },
    usage: {
      inputTokens: record.usage.inputTokens,
      outputTokens: record.usage.outputTokens,
      costUsd: record.usage.costUsd,
      unpricedCalls: record.usage.unpricedCalls,
    },
    result: record.result,
  };
}

export function toTurn(record: TurnRecord): Turn {
  return {
    stageId: record.stageId,
    questionId: record.questionId,
    kind: record.kind,
    question: record.question,
    answer: record.answer,
    attempt: record.attempt,
    score: record.score,
    issues: record.issues,
    escalated: record.escalated,
    provider: record.provider,
    model: record.model,
    createdAt: record.createdAt,
  };
}
