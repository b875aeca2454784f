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
  /** Set when the question asks for a revised answer: the accepted turn it revises. */
  revisesTurnId?: string | null;
}

/**
 * Where a stage stands; `stale` while a revision of an earlier answer waits to rebuild it
 * (its artifact is the one from before the revision).
 */
export type StageStatus = 'pending' | 'active' | 'completed' | 'stale';

/** One stage of a session, with its artifact once completed. */
export interface SessionStage {
  id: string;
  title: string;
  status: StageStatus;
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
  /** The revision of an earlier answer the session waits on; null (or absent) when none is. */
  revision?: { id: string; turnId: string; stageId: string; stale: string[] } | null;
  /** What the workflow's finish step made of a completed session (U-AIP: `{ outcome, … }`). */
  result?: unknown;
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

/** What a member of a shared session may do: `viewer` reads, `editor` also answers and revises. */
export type MemberRole = 'viewer' | 'editor';

/** The caller's role in a session: its `owner`, or the role it was shared with them in. */
export type SessionRole = 'owner' | MemberRole;

/** Someone a session is shared with (`email` and `name` are null when the server has none). */
export interface Member {
  userId: string;
  email: string | null;
  name: string | null;
  role: MemberRole;
  /** The user id of who shared it (the owner). */
  addedBy: string;
  createdAt: string;
  updatedAt: string;
}

/** `GET /sessions/:id/members`: the owner's user id and everyone the session is shared with. */
export interface SessionMembers {
  ownerId: string;
  members: Member[];
}

/** A session shared with the caller, as `GET /shared-sessions` lists it. */
export interface SharedSessionSummary extends SessionSummary {
  ownerId: string;
  role: MemberRole;
}

/** One page of `GET /shared-sessions`, newest first. */
export interface SharedSessionPage {
  items: SharedSessionSummary[];
  nextCursor: string | null;
}

/** A reviewer's vote. */
export type ReviewVote = 'approve' | 'reject';

/**
 * Where a review round stands: `open` while votes are awaited, `approved` or `rejected` once
 * they settled it, `closed` when it ended without an outcome (revised, or asked again).
 */
export type ReviewStatus = 'open' | 'approved' | 'rejected' | 'closed';

/** A reviewer of a round, and their vote once cast (`email`, `name` null when unknown). */
export interface Reviewer {
  userId: string;
  email: string | null;
  name: string | null;
  vote: ReviewVote | null;
  comment: string | null;
  votedAt: string | null;
}

/** One round of a committee review: the reviewers of one version of the session's result. */
export interface ReviewRound {
  round: number;
  status: ReviewStatus;
  requestedBy: string;
  requestedAt: string;
  /** The owner's message to the reviewers. */
  note: string | null;
  /** The session version whose result is under review. */
  sessionVersion: number;
  /** The outcome under review (U-AIP: the charter's decision, e.g. "Submit to committee"). */
  outcome: string | null;
  /** How many approvals approve it; rejected once that many can no longer come. */
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

/** A session's committee review (`GET /sessions/:id/review`): the current round and the earlier ones. */
export interface Review {
  sessionId: string;
  current: ReviewRound;
  /** The earlier rounds, oldest first. */
  earlier: ReviewRound[];
  /** False while a revision is under way, or when one changed the session since the round began. */
  upToDate: boolean;
  updatedAt: string;
}

/** A session whose current review round names the caller (`GET /reviews`). */
export interface ReviewAssignment extends SessionSummary {
  ownerId: string;
  review: {
    round: number;
    status: ReviewStatus;
    requestedAt: string;
    /** The caller's own vote in the current round; null before they vote. */
    vote: ReviewVote | null;
  };
}

/** One page of `GET /reviews`, newest request first. */
export interface ReviewAssignmentPage {
  items: ReviewAssignment[];
  nextCursor: string | null;
}

/** The answer of `POST /sessions/:id/answers`. */
export interface AnswerResult {
  session: Session;
  outcome: {
    /**
     * `revision_completed`: a revision's answer was accepted and what was built on it rebuilt
     * (the session waits on its earlier question again, or is completed again).
     */
    kind: 'follow_up' | 'accepted' | 'stage_completed' | 'session_completed' | 'revision_completed';
    quality: { score: number; threshold: number; issues: string[] };
    escalated: boolean;
  };
  /** Set when the answer belonged to a revision of an earlier answer. */
  revision?: RevisionSummary;
}

/** Where a revision of an earlier answer stands, and what the last turn of it re-ran. */
export interface RevisionSummary {
  id: string;
  /** The accepted turn whose answer is revised. */
  turnId: string;
  /**
   * `follow_up`: the new answer was vague and a follow-up is pending; `gap`: a rebuilt stage
   * now misses something and its gap question is pending; `completed`: all was rebuilt.
   */
  status: 'follow_up' | 'gap' | 'completed';
  /** The stages this turn re-extracted, in order. */
  rebuilt: string[];
  /** The stages still to re-extract (their status is `stale`). */
  stale: string[];
}

/** The answer of `POST /sessions/:id/turns/:turnId/revisions`. */
export interface RevisionResult extends AnswerResult {
  revision: RevisionSummary;
}

/** What every kept version of `GET /sessions/:id/history` says about itself. */
export interface HistoryEntry {
  /** The session version it belongs to. */
  version: number;
  /** Who caused it. */
  actorId: string;
  /** The revision that produced it; null when answering did. */
  revisionId: string | null;
  at: string;
}

/** A session's history (`GET /sessions/:id/history`): every answer and every version built. */
export interface SessionHistory {
  /** Every answer, oldest first. */
  answers: Turn[];
  artifacts: Array<
    HistoryEntry & {
      stageId: string;
      artifact: unknown;
      gate: { passed: boolean; missing: string[] } | null;
    }
  >;
  results: Array<HistoryEntry & { result: unknown }>;
  /** The report (U-AIP: the charter as JSON) of each completion, oldest first. */
  reports: Array<HistoryEntry & { report: unknown }>;
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

/**
 * One answered question of a session's transcript (`GET /sessions/:id/turns`). The record is
 * the turns with `accepted` and no `revisedBy`: only those can be revised.
 */
export interface Turn {
  id: string;
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
  /** Whether this answer closed its question (accepted, or kept after the last try). */
  accepted: boolean;
  /** The accepted turn this answer revises; null for an ordinary answer. */
  revisesTurnId: string | null;
  /** The accepted revision that replaced this answer; null while it is the record. */
  revisedBy: string | null;
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
  | (EventBase & {
      type: 'sharing.changed';
      /** The member whose access changed. */
      userId: string;
      /** Their role now; null when their access ended. */
      role: MemberRole | null;
    })
  | (EventBase & {
      type: 'revision.started';
      revisionId: string;
      turnId: string;
      stageId: string;
      /** The stages it will rebuild once the new answer is accepted. */
      stale: string[];
    })
  | (EventBase & {
      type: 'stage.reextracted';
      revisionId: string;
      stageId: string;
      gatePassed: boolean;
    })
  | (EventBase & {
      type: 'revision.completed';
      revisionId: string;
      turnId: string;
      rebuilt: string[];
      /** Whether the session's result (U-AIP: the charter's decision) was rebuilt. */
      resultRebuilt: boolean;
    })
  | (EventBase & {
      type: 'review.requested';
      round: number;
      /** The reviewers' user ids. */
      reviewers: string[];
      approvalsRequired: number;
    })
  | (EventBase & { type: 'review.voted'; round: number; userId: string; vote: ReviewVote })
  | (EventBase & {
      type: 'review.decided';
      round: number;
      outcome: 'approved' | 'rejected';
      /** The reviewer whose vote settled it. */
      decidedBy: string;
    })
  /** A revision changed the result: a new round with the same reviewers. */
  | (EventBase & { type: 'review.reopened'; round: number })
  /** A revision changed the result, which no longer calls for a review. */
  | (EventBase & { type: 'review.closed'; round: number; reason: 'revised' })
  | (EventBase & { type: 'error'; code: string; message: string });
