import type { DeliveryAttempt, OutboxStatus } from '../storage/outbox-types';
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
  /**
   * The revision of an earlier answer the session waits on (its pending question is the
   * revision's follow-up or a gap question it asked); null when none is under way.
   */
  revision: { id: string; turnId: string; stageId: string; stale: string[] } | null;
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
  /** Set when this question asks for a revised answer: the accepted turn it revises. */
  revisesTurnId: string | null;
}

/** One answered question of the transcript. */
export interface Turn {
  id: string;
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
  /** Whether this answer closed its question (accepted or escalated): the record. */
  accepted: boolean;
  /** The accepted turn this answer revises; null for an ordinary answer. */
  revisesTurnId: string | null;
  /** The accepted revision that replaced this answer, if one did. */
  revisedBy: string | null;
  provider: string;
  model: string;
  createdAt: string;
}

/** What became of an answer. */
export interface AnswerOutcome {
  /**
   * `revision_completed`: a revision's answer was accepted and everything built on it was
   * rebuilt (the session waits on its earlier question again, or is completed again).
   */
  kind: 'follow_up' | 'accepted' | 'stage_completed' | 'session_completed' | 'revision_completed';
  quality: { score: number; threshold: number; issues: string[] };
  escalated: boolean;
}

/** The session after a turn, and what became of the answer. */
export interface AnswerResult {
  session: Session;
  outcome: AnswerOutcome;
  /** Set when the answer belonged to a revision of an earlier answer. */
  revision?: RevisionSummary;
}

/** Where a revision of an earlier answer stands, and what this turn re-ran. */
export interface RevisionSummary {
  id: string;
  /** The accepted turn whose answer is revised. */
  turnId: string;
  /**
   * `follow_up`: the new answer was vague and a follow-up is pending; `gap`: a stage rebuilt
   * on it now misses something and its gap question is pending; `completed`: everything built
   * on it was rebuilt, and the session waits on its earlier question again or is completed.
   */
  status: 'follow_up' | 'gap' | 'completed';
  /** The stages re-extracted by this turn, in order. */
  rebuilt: string[];
  /** The stages still to re-extract (marked `stale`). */
  stale: string[];
}

/** One kept version of an answer, an artifact, a result or the report. */
export interface HistoryEntry {
  /** The session version it belongs to. */
  version: number;
  /** Who caused it. */
  actorId: string;
  /** The revision that produced it; null when answering did. */
  revisionId: string | null;
  at: string;
}

/** A session's history: every answer given and every version of what was built on them. */
export interface SessionHistory {
  /** Every answer, oldest first; a revised one points at the turn it replaced. */
  answers: Turn[];
  artifacts: Array<HistoryEntry & { stageId: string; artifact: unknown; gate: GateResult | null }>;
  /** The finish step's results (U-AIP: the charter's decision and summary), oldest first. */
  results: Array<HistoryEntry & { result: unknown }>;
  /** The reports (U-AIP: the AI Project Charter as JSON) each completion built, oldest first. */
  reports: Array<HistoryEntry & { report: unknown }>;
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

/** A reviewer of a committee review round, and their vote once cast. */
export interface Reviewer {
  userId: string;
  /** The account's email and name, when the storage still has the account. */
  email: string | null;
  name: string | null;
  vote: 'approve' | 'reject' | null;
  comment: string | null;
  votedAt: string | null;
}

/** One round of a committee review: the reviewers of one version of the session's result. */
export interface ReviewRound {
  round: number;
  /**
   * `open` while votes are awaited; `approved` or `rejected` once they settled it; `closed`
   * when it ended without an outcome (`closedReason`: the result was revised, or the owner
   * asked again).
   */
  status: 'open' | 'approved' | 'rejected' | 'closed';
  requestedBy: string;
  requestedAt: string;
  /** The owner's message to the reviewers. */
  note: string | null;
  /** The session version whose result is under review. */
  sessionVersion: number;
  /** The result's outcome under review (U-AIP: the charter's decision). */
  outcome: string | null;
  /** How many approvals approve it; it is rejected once that many can no longer come. */
  approvalsRequired: number;
  approvals: number;
  rejections: number;
  reviewers: Reviewer[];
  /** The reviewer whose vote settled it. */
  decidedBy: string | null;
  decidedAt: string | null;
  closedReason: 'revised' | 'replaced' | null;
  closedAt: string | null;
}

/** A session's committee review: the current round and the earlier ones, oldest first. */
export interface Review {
  sessionId: string;
  current: ReviewRound;
  earlier: ReviewRound[];
  /**
   * Whether the current round is about the session as it is: false while a revision is under
   * way, or when one changed the session after the round began and the review has not been
   * reopened yet.
   */
  upToDate: boolean;
  updatedAt: string;
}

/**
 * A webhook of a session as its owner sees it: which event went to which of the host's
 * endpoints, where it stands and every attempt. Never the endpoint's URL or secret (host
 * configuration), nor the body (ids the API already gives).
 */
export interface WebhookDelivery {
  /** The `webhook-id` header the receiver saw (`msg_…`), the same on every attempt. */
  id: string;
  /** The event's type, e.g. `session.completed`. */
  eventType: string;
  /** The host's endpoint it goes to. */
  endpointId: string;
  /** `pending` (waiting for an attempt), `delivered` (a 2xx) or `failed` (given up). */
  status: OutboxStatus;
  /** When the event was written to the outbox. */
  createdAt: string;
  /** Every attempt so far, oldest first: when, the receiver's status, why not, how long. */
  attempts: DeliveryAttempt[];
  /** When the next attempt is due (or a lease under way ends); null once settled. */
  nextAttemptAt: string | null;
  /** When it was delivered or given up; null while pending. */
  settledAt: string | null;
}
