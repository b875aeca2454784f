// The bodies of the HTTP contract (shared/specs/http-api.md) as the browser sees them. Kept as
// plain types here so the elements depend on the contract, not on the server's packages.

/** A signed-up person; `name` is null when none was given. */
export interface User {
  id: string;
  email: string;
  name: string | null;
  createdAt: string;
}

/** The answer of `POST /auth/login`. */
export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds until the token expires. */
  expiresIn: number;
  user: User;
}

/** What kind of question is pending: a topic's first question, a follow-up, or a gate's gap. */
export type QuestionKind = 'question' | 'follow_up' | 'gap';

/** The pending question of a session. */
export interface PendingQuestion {
  id: string;
  stageId: string;
  /** The topic it belongs to; null for a gap question. */
  topicId?: string | null;
  text: string;
  /** The question as first asked: for a follow-up, the question it follows up. */
  originalText?: string;
  /** The topic's place in its stage: question `topicNumber` of `topicCount` (null for a gap). */
  topicNumber?: number | null;
  /** How many topics the stage has. */
  topicCount?: number;
  kind: QuestionKind;
  attempt: number;
  maxAttempts: number;
  /** The score (out of 10) of the answer that caused a follow-up. */
  lastScore: number | null;
  issues: string[];
}

/** One stage of a session, with its artifact once completed. */
export interface SessionStage {
  id: string;
  title: string;
  status: 'pending' | 'active' | 'completed';
  artifact?: unknown;
  gate?: { passed: boolean; missing: string[] } | null;
}

/** Tokens and cost of a session so far. */
export interface SessionUsage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Calls whose model has no known price (not in `costUsd`). */
  unpricedCalls?: number;
}

/** A whole session, as `GET /sessions/:id` returns it. */
export interface Session {
  id: string;
  workflowId: string;
  workflowVersion: string;
  title: string;
  idea: string;
  status: 'active' | 'completed';
  createdAt: string;
  updatedAt: string;
  version: number;
  currentStageId: string | null;
  stages: SessionStage[];
  pendingQuestion: PendingQuestion | null;
  usage: SessionUsage;
}

/** A session as the list shows it. */
export interface SessionSummary {
  id: string;
  workflowId: string;
  title: string;
  status: 'active' | 'completed';
  currentStageId: string | null;
  /** A completed session's outcome in a few words (U-AIP: its decision, e.g. "Revise"). */
  outcome?: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One page of `GET /sessions`. */
export interface SessionPage {
  items: SessionSummary[];
  nextCursor: string | null;
}

/** The answer of `POST /sessions/:id/answers`. */
export interface AnswerResult {
  session: Session;
  outcome: {
    kind: 'follow_up' | 'accepted' | 'stage_completed' | 'session_completed';
    quality: { score: number; threshold: number; issues: string[] };
    escalated: boolean;
  };
}

/** The answer of `GET /health` (at the server root). */
export interface Health {
  status: 'ok' | 'degraded';
  checks: {
    storage: { ok: boolean };
    llm: Array<{ provider: string; ok: boolean; demo?: boolean; detail?: string }>;
  };
  /** What to do about it when no language model is reachable (e.g. how to configure one). */
  hint?: string;
}

/** A workflow the server runs, as `GET /workflows` lists it. */
export interface WorkflowSummary {
  id: string;
  title: string;
  description: string;
  stages: Array<{ id: string; title: string; description: string }>;
}

/** One answered question of a session's transcript (`GET /sessions/:id/turns`). */
export interface Turn {
  stageId: string;
  topicId?: string | null;
  questionId: string;
  kind: QuestionKind;
  question: string;
  answer: string;
  score: number;
  issues: string[];
  /** Kept as the last allowed answer although it scored under the threshold. */
  escalated: boolean;
  createdAt: string;
}

/** The charter formats the server renders. */
export type CharterFormat = 'md' | 'json' | 'html';

/** What every session event carries. */
export interface EventBase {
  sessionId: string;
  /** The session version the event belongs to. */
  version: number;
  at: string;
}

/** One event of `GET /sessions/:id/events`. */
export type SessionEvent =
  | (EventBase & { type: 'turn.started'; questionId: string })
  | (EventBase & {
      type: 'llm.attempt';
      provider: string;
      model: string;
      outcome: string;
      purpose: string;
      inputTokens: number;
      outputTokens: number;
      costUsd: number | null;
      latencyMs: number;
    })
  | (EventBase & { type: 'llm.fallback'; from: string; to: string; reason: string })
  | (EventBase & {
      type: 'answer.scored';
      questionId: string;
      score: number;
      threshold: number;
      escalated: boolean;
    })
  | (EventBase & {
      type: 'question.asked';
      questionId: string;
      stageId: string;
      kind: QuestionKind;
    })
  | (EventBase & { type: 'stage.completed'; stageId: string; gatePassed: boolean })
  | (EventBase & { type: 'session.completed' })
  | (EventBase & { type: 'error'; code: string; message: string });
