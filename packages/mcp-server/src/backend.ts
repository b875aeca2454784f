import type { Session, SessionSummary } from '@uaip/core';

/** A workflow as the tools list it. */
export interface WorkflowInfo {
  id: string;
  title: string;
  description: string;
  stages: Array<{ id: string; title: string; description: string }>;
}

/** What answering a question did: the session after the turn and the turn's outcome. */
export interface AnswerReply {
  session: Session;
  outcome: {
    kind: 'follow_up' | 'accepted' | 'stage_completed' | 'session_completed' | 'revision_completed';
    quality: { score: number; threshold: number; issues: string[] };
    escalated: boolean;
  };
}

/** A page of the caller's sessions, newest first. */
export interface SessionPage {
  items: SessionSummary[];
  nextCursor: string | null;
}

/**
 * The uaip the MCP tools talk to, for one user: an orchestrator in this process
 * ({@link embeddedBackend}) or a uaip server over its HTTP API ({@link remoteBackend}). Every
 * method throws a `UaipError` with the HTTP contract's code (`not_found`, `conflict`,
 * `llm_unavailable`...) when uaip refuses, so the tools treat both alike.
 */
export interface UaipBackend {
  /** The workflows sessions can run. */
  workflows(): Promise<WorkflowInfo[]>;
  /** Starts a session; its first question is pending. */
  start(input: { idea: string; title?: string; workflowId?: string }): Promise<Session>;
  /** One of the user's sessions. */
  get(sessionId: string): Promise<Session>;
  /** The user's sessions, a page at a time. */
  list(input: { limit?: number; cursor?: string }): Promise<SessionPage>;
  /**
   * Answers the pending question. `idempotencyKey` makes a retry of the same answer replay the
   * first reply instead of failing with `conflict` (an agent may repeat a call that timed out).
   */
  answer(
    sessionId: string,
    input: { questionId: string; answer: string },
    idempotencyKey: string,
  ): Promise<AnswerReply>;
  /** The charter of a completed session: Markdown text, or the structured report. */
  charter(sessionId: string, format: 'markdown' | 'json'): Promise<string | unknown>;
}
