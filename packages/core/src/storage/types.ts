import type {
  DeliveryAttempt,
  DeliveryOutcome,
  OutboxClaim,
  OutboxMessage,
  OutboxRecord,
} from './outbox-types';

/**
 * The persistence plug point, in domain words. Every method that touches a user's data takes
 * the owner's id and never reads or writes another owner's rows: a session of another owner
 * is reported exactly like a missing one. The two methods a member calls (`accessOf`,
 * `listSharedSessions`) take the member's own id and show only what was shared with them;
 * membership changes only through the owner-scoped ones. Implementations:
 * `createMemoryStorage()` here, `@uaip/storage-pg` for PostgreSQL; `storageContract()` in
 * `@uaip/core/testing` checks them.
 */
export interface Storage {
  /** Resolves when the storage can serve requests; throws `storage_unavailable` otherwise. */
  ping(): Promise<void>;
  /** Stores a new session with its stage rows; `conflict` when the id exists. */
  createSession(session: SessionRecord): Promise<void>;
  /**
   * Stores an imported session whole, atomically: the record as given (its `ownerId`, stages,
   * usage totals and version; its lease should be null), then its transcript, kept versions and
   * LLM calls, each in the order given and each stored under `session.id` whatever session id
   * a history row or call carries. `conflict`, writing nothing, when the id exists. The calls
   * do not count in the owner's `spentSince`: the importer paid for none of them, and
   * importing a session made today must not use up today's budget.
   */
  importSession(session: SessionRecord, content: ImportedContent): Promise<void>;
  /** The session, or `null` when missing, deleted or owned by someone else. */
  getSession(ownerId: string, sessionId: string): Promise<SessionRecord | null>;
  /**
   * The owner's sessions, newest `createdAt` first (ties: larger id first). `limit` is a
   * whole number from 1 to 100; a garbled cursor is `validation_failed`.
   */
  listSessions(ownerId: string, page: PageRequest): Promise<Page<SessionSummary>>;
  /**
   * Deletes a session and everything that hangs off it; false when there was none. Its LLM
   * calls still count in `spentSince`, so deleting sessions never resets a budget.
   */
  deleteSession(ownerId: string, sessionId: string): Promise<boolean>;

  /**
   * Claims the pending question before any LLM call: succeeds only when the session is
   * active, at `version`, its pending question is `questionId`, and no unexpired lease is
   * held (a completed session is `stale`).
   */
  claimQuestion(ownerId: string, sessionId: string, claim: QuestionClaim): Promise<ClaimResult>;
  /**
   * Claims the pending question and returns the session it was claimed on, in one round trip:
   * what a turn must read and lock before its LLM calls. Claimed when the session is active,
   * its pending question is `questionId` and no unexpired lease is held, whatever its version;
   * otherwise `result` says why (a completed session is `stale`), with the session as it is
   * (null when `not_found`). Optional: without it, a turn reads the session with `getSession`
   * and then claims it with `claimQuestion`, two round trips.
   */
  claimSession?(ownerId: string, sessionId: string, claim: SessionClaim): Promise<SessionClaimed>;
  /**
   * Claims a session for a revision of an earlier answer, active or completed: succeeds only
   * when the session is at `version` and no unexpired lease is held (`stale` at another
   * version, `busy` while a turn or revision holds it). Committed with `commitTurn`.
   */
  claimRevision(ownerId: string, sessionId: string, claim: RevisionClaim): Promise<ClaimResult>;
  /** Drops a lease (after a failed turn), so the question can be answered again at once. */
  releaseClaim(ownerId: string, sessionId: string, leaseId: string): Promise<void>;
  /**
   * The heartbeat of a turn at work: moves its lease's end to `expiresAt` and, when the turn
   * is keyed, its in-flight idempotency entry's lock to `lockedUntil`. False, changing
   * nothing, when the lease is no longer `leaseId` (it expired and was taken, or was released).
   */
  renewClaim(ownerId: string, sessionId: string, renewal: LeaseRenewal): Promise<boolean>;
  /**
   * Commits everything one turn produced, atomically: the session's new state (and
   * `version + 1`, lease cleared), the stage results it changed, the turn, its LLM calls
   * (which also add to the session's usage totals) and, when keyed, the idempotent response.
   * Returns false, writing nothing, when the session is no longer at `expectedVersion` or the
   * lease is not `leaseId` anymore. Its `outbox` messages are written in the same transaction.
   */
  commitTurn(ownerId: string, sessionId: string, commit: TurnCommit): Promise<boolean>;
  /** The transcript in commit order; only the given stage's turns when `stageId` is set. */
  listTurns(ownerId: string, sessionId: string, stageId?: string): Promise<TurnRecord[]>;
  /**
   * The versions of the session's artifacts, results and reports that turns and revisions
   * committed (`TurnCommit.history`), in commit order; empty for a missing session.
   */
  listHistory(ownerId: string, sessionId: string): Promise<HistoryRecord[]>;

  /**
   * What `userId` may do with a session: its owner's id (which the owner-scoped methods then
   * take) and `owner`, or the member's role. Null when the session is missing, or the user is
   * neither its owner nor a member: a stranger learns nothing.
   */
  accessOf(userId: string, sessionId: string): Promise<SessionAccess | null>;
  /**
   * Shares the owner's session with `member.userId` in `member.role`, or changes the role of
   * an existing member (keeping when and by whom it was first added). False, changing nothing,
   * when the session is missing or not the owner's. The owner is never a member of their own
   * session: `member.userId` equal to `ownerId` is `validation_failed` (as is a role other than
   * `viewer` or `editor`), judged from the arguments before the session is looked at.
   */
  putMember(ownerId: string, sessionId: string, member: MemberPut): Promise<boolean>;
  /** Ends a member's access; false when there was no such member (or session of the owner). */
  removeMember(ownerId: string, sessionId: string, userId: string): Promise<boolean>;
  /** The members of the owner's session, in the order they were first added; [] otherwise. */
  listMembers(ownerId: string, sessionId: string): Promise<MemberRecord[]>;
  /**
   * The sessions shared with `userId`, newest `createdAt` first (ties: larger id first),
   * paged like `listSessions` (same limit and cursor rules), each with its owner and the role.
   */
  listSharedSessions(userId: string, page: PageRequest): Promise<Page<SharedSessionSummary>>;

  /** The committee review of the owner's session; null when none was requested (or not theirs). */
  getReview(ownerId: string, sessionId: string): Promise<ReviewRecord | null>;
  /**
   * Stores the review of the owner's session, fenced by its version: creates it when
   * `expectedVersion` is null (false when one exists), else replaces the one at
   * `expectedVersion` (false when it moved on). `review.version` is the new version, stored
   * as given. False, changing nothing, when the session is missing or not the owner's.
   * `review.sessionId` other than `sessionId` is `validation_failed`, judged from the arguments
   * before the session is looked at. Deleting the session deletes its review. The `outbox`
   * messages (webhooks of the change) are written in the same transaction, and only when it saves.
   */
  saveReview(
    ownerId: string,
    sessionId: string,
    review: ReviewRecord,
    expectedVersion: number | null,
    outbox?: OutboxMessage[],
  ): Promise<boolean>;
  /**
   * The reviews whose current round names `userId` as a reviewer, of sessions the user may
   * still read (owner or member), newest `current.requestedAt` first (ties: larger session id
   * first), paged like `listSessions` (same limit and cursor rules); `status` keeps only
   * current rounds in that state (`validation_failed` for a status that is none). A review
   * whose earlier rounds named the user but whose current one does not is not listed.
   */
  listReviewsFor(
    userId: string,
    page: PageRequest & { status?: ReviewStatus },
  ): Promise<Page<ReviewAssignment>>;

  /**
   * Adds LLM calls outside a committed turn (the paid attempts of a failed one); does
   * nothing for a session that is missing or not the owner's.
   */
  recordUsage(ownerId: string, sessionId: string, calls: LlmCallRecord[]): Promise<void>;
  /** Every LLM call of a session, in the order recorded. */
  listUsage(ownerId: string, sessionId: string): Promise<LlmCallRecord[]>;
  /**
   * What the owner's priced calls cost since `since` (ISO time), over all sessions. Budgets
   * ask for the current UTC day, so a storage may forget spending older than two days.
   */
  spentSince(ownerId: string, since: string): Promise<number>;

  /**
   * Starts a request under an idempotency key, or says why not: a finished one with the same
   * request hash replays its response; a running one or another hash is a conflict. Expired
   * entries (and in-flight ones whose lock passed) count as absent.
   */
  beginIdempotent(ownerId: string, entry: IdempotencyStart): Promise<IdempotencyState>;
  /**
   * Forgets what has expired by `now` (ISO time), of every owner: idempotency keys past their
   * `expiresAt`, and, for a storage with an outbox, delivered and failed webhook messages that
   * settled `OUTBOX_RETENTION_MS` (30 days) or more before `now` (a pending message is never
   * swept). Returns how many went, keys and messages. Hosts call it on a schedule (the
   * reference app: every ten minutes), so keys of users who never come back and old delivery
   * logs do not pile up.
   */
  sweep(now: string): Promise<number>;
  /** Forgets an in-flight key after a failed request, so it can be retried. */
  abandonIdempotent(ownerId: string, key: string): Promise<void>;

  /**
   * The webhook dispatcher's, not a user's: leases up to `limit` pending outbox messages of
   * every owner whose `nextAttemptAt` is at or before `now`, oldest first, to `leaseId` until
   * `leaseUntil` (their `nextAttemptAt` moves there, so a dispatcher that dies lets them come
   * due again), and returns them. Two dispatchers never lease the same message at once.
   * Optional, with `recordDelivery` and `listOutbox`: a storage without them cannot host
   * webhooks (and may ignore `TurnCommit.outbox`).
   */
  claimOutbox?(claim: OutboxClaim): Promise<OutboxRecord[]>;
  /**
   * Appends an attempt to a leased message and settles it or sets its next attempt, clearing
   * the lease. False, changing nothing, when the message is not leased to `leaseId` anymore.
   */
  recordDelivery?(
    messageId: string,
    leaseId: string,
    attempt: DeliveryAttempt,
    outcome: DeliveryOutcome,
  ): Promise<boolean>;
  /** The outbox messages of the owner's session with their attempts, oldest first; [] otherwise. */
  listOutbox?(ownerId: string, sessionId: string): Promise<OutboxRecord[]>;

  /** Stores a new user; throws `UaipError('conflict')` when the email (any case) is taken. */
  createUser(user: UserRecord): Promise<void>;
  /** The user with this email, compared case-insensitively. */
  findUserByEmail(email: string): Promise<UserRecord | null>;
  /** The user with this id. */
  getUser(userId: string): Promise<UserRecord | null>;
  /** Changes a user's password hash and/or token version; false when there is no such user. */
  updateUser(userId: string, patch: UserPatch): Promise<boolean>;
}

/** Cursor pagination: `cursor` is what the previous page returned as `nextCursor`. */
export interface PageRequest {
  limit: number;
  cursor?: string | null;
}

/** One page of a list. */
export interface Page<T> {
  items: T[];
  /** Null on the last page. */
  nextCursor: string | null;
}

/** Whether a session still has questions. */
export type SessionStatus = 'active' | 'completed';
/**
 * Where a stage stands. `stale`: completed, but built on an earlier answer a revision changed;
 * its artifact is re-extracted before the revision ends.
 */
export type StageStatus = 'pending' | 'active' | 'completed' | 'stale';
/** A topic question, a follow-up after a low score, or a gap question after a failed gate. */
export type QuestionKind = 'question' | 'follow_up' | 'gap';

/** The result of a stage's gate: which requirements its artifact misses. */
export interface GateResult {
  passed: boolean;
  missing: string[];
}

/** One stage of a session. */
export interface StageRecord {
  stageId: string;
  status: StageStatus;
  artifact: unknown | null;
  gate: GateResult | null;
  /** Whether the stage's one gap question has been asked. */
  gapAsked: boolean;
  completedAt: string | null;
}

/** The question a session waits on. */
export interface PendingQuestionRecord {
  id: string;
  stageId: string;
  /** The topic it belongs to; `null` for a gap question. */
  topicId: string | null;
  kind: QuestionKind;
  text: string;
  /** 1 for a topic's first answer; the number of the answer this question asks for. */
  attempt: number;
  maxAttempts: number;
  lastScore: number | null;
  issues: string[];
  askedAt: string;
  /** Set on the questions of a revision's revised answer: the accepted turn it revises. */
  revisesTurnId?: string;
  /**
   * For a follow-up: the question it follows up, as first asked (the topic's or the gap's own
   * question), so a follow-up never has to quote another follow-up. Absent on a first question
   * and on follow-ups stored before it was kept.
   */
  originalText?: string;
}

/** Token and cost totals. `costUsd` sums priced calls; unpriced ones are counted apart. */
export interface UsageTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  unpricedCalls: number;
}

/** A session as stored. */
export interface SessionRecord {
  id: string;
  ownerId: string;
  workflowId: string;
  workflowVersion: string;
  promptVersion: string;
  /**
   * The quality loop's settings, pinned when the session started (like the workflow version),
   * so a configuration change does not change the rules of sessions in progress. Null for a
   * session stored before they were pinned: the orchestrator's settings apply.
   */
  quality: { threshold: number; maxAttempts: number } | null;
  title: string;
  idea: string;
  status: SessionStatus;
  currentStageId: string | null;
  stages: StageRecord[];
  pending: PendingQuestionRecord | null;
  /** What the workflow's `finish` step produced when the session completed. */
  result: unknown | null;
  usage: UsageTotals;
  /** Grows by one with every committed turn. */
  version: number;
  lease: Lease | null;
  /** The revision of an earlier answer under way (waiting on a follow-up or a gap answer). */
  revision: RevisionRecord | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * A revision of an accepted answer that needs more answers before it ends: its follow-up (the
 * revised answer was vague) or a gap question of a stage it made fail its gate. While it is
 * under way the session's pending question is that question; at the end the question the
 * session waited on before (`resume`) is pending again, or the session completes again.
 */
export interface RevisionRecord {
  id: string;
  /** The accepted turn whose answer is revised. */
  turnId: string;
  /** The stage of that turn. */
  stageId: string;
  /** Who revised it. */
  actorId: string;
  startedAt: string;
  /** The question pending before the revision; null when the session was completed. */
  resume: PendingQuestionRecord | null;
  /** The session's `currentStageId` before the revision. */
  resumeStageId: string | null;
  /** Stages still to re-extract, in workflow order (marked `stale`). */
  stale: string[];
  /** Stages whose gap question this revision has asked (once each). */
  gapsAsked: string[];
}

/** One version of something a session produced, kept when a turn or a revision replaced it. */
export interface HistoryRecord {
  id: string;
  sessionId: string;
  /** `artifact`: a stage's artifact and gate; `result`: the finish step's result; `report`: the built report (the charter). */
  kind: 'artifact' | 'result' | 'report';
  /** The stage, for an artifact. */
  stageId: string | null;
  /** The session version this value belongs to (the version the commit produced). */
  sessionVersion: number;
  value: unknown;
  /** The stage's gate result, for an artifact. */
  gate: GateResult | null;
  /** The revision that produced it; null when answering produced it. */
  revisionId: string | null;
  /** Who caused it. */
  actorId: string;
  createdAt: string;
}
/** A short claim on a session's pending question, fenced by the session version. */
export interface Lease {
  id: string;
  expiresAt: string;
}

/** A row of a session list. */
export interface SessionSummary {
  id: string;
  workflowId: string;
  title: string;
  status: SessionStatus;
  currentStageId: string | null;
  /**
   * A completed session's outcome in a few words: the string `outcome` of its result, when the
   * workflow's `finish` step put one there (U-AIP: the charter's decision); otherwise null.
   */
  outcome: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What `importSession` stores with a session: its transcript, kept versions and LLM calls. */
export interface ImportedContent {
  turns: TurnRecord[];
  history: HistoryRecord[];
  calls: LlmCallRecord[];
}

/** What `claimQuestion` needs to claim a pending question. */
export interface QuestionClaim {
  version: number;
  questionId: string;
  leaseId: string;
  /** ISO time the lease ends. */
  expiresAt: string;
  /** ISO time now, to judge whether an existing lease has expired. */
  now: string;
}

/** What a member may do: read (`viewer`), or also answer and revise (`editor`). */
export type MemberRole = 'viewer' | 'editor';

/** A user's access to a session: its owner's id, and the user's role in it. */
export interface SessionAccess {
  ownerId: string;
  role: 'owner' | MemberRole;
}

/** What `putMember` stores. */
export interface MemberPut {
  userId: string;
  role: MemberRole;
  /** Who shared it (the owner). */
  addedBy: string;
  /** ISO time of the change. */
  at: string;
  /**
   * Only change the role of someone who is a member already: false, adding no one, when they
   * are not (a role change must never re-add a member who left meanwhile).
   */
  onlyIfMember?: boolean;
}

/** A member of a shared session. */
export interface MemberRecord {
  userId: string;
  role: MemberRole;
  addedBy: string;
  /** When the session was first shared with them. */
  createdAt: string;
  /** When their role last changed. */
  updatedAt: string;
}

/** A row of the sessions shared with a user. */
export interface SharedSessionSummary extends SessionSummary {
  ownerId: string;
  role: MemberRole;
}

/** A reviewer's vote. */
export type ReviewVote = 'approve' | 'reject';
/**
 * Where a review round stands: `open` while votes are awaited; `approved` or `rejected` once
 * the votes settled it; `closed` when it ended without an outcome (a revision changed the
 * result under review, or the owner asked again).
 */
export type ReviewStatus = 'open' | 'approved' | 'rejected' | 'closed';

/** A reviewer of a round, and their vote once cast. */
export interface ReviewerRecord {
  userId: string;
  vote: ReviewVote | null;
  comment: string | null;
  votedAt: string | null;
}

/** One round of a committee review: the reviewers of one version of the session's result. */
export interface ReviewRoundRecord {
  /** 1 for the first round; grows when a revision reopens the review or the owner asks again. */
  round: number;
  status: ReviewStatus;
  requestedBy: string;
  requestedAt: string;
  /** The owner's message to the reviewers. */
  note: string | null;
  /** The session version whose result is under review. */
  sessionVersion: number;
  /** The result's outcome under review (U-AIP: the charter's decision). */
  outcome: string | null;
  /** How many approvals approve it; rejected once that many can no longer come. */
  approvalsRequired: number;
  reviewers: ReviewerRecord[];
  /** The reviewer whose vote settled it (approved or rejected). */
  decidedBy: string | null;
  decidedAt: string | null;
  /** Why a `closed` round ended: `revised` (the result changed) or `replaced` (asked again). */
  closedReason: 'revised' | 'replaced' | null;
  closedAt: string | null;
}

/** A session's committee review: the current round and the earlier ones, oldest first. */
export interface ReviewRecord {
  sessionId: string;
  /** Grows by one with every save (the fence of `saveReview`). */
  version: number;
  current: ReviewRoundRecord;
  earlier: ReviewRoundRecord[];
  updatedAt: string;
}

/** A row of the reviews asked of a user: the session, and where its current round stands. */
export interface ReviewAssignment extends SessionSummary {
  ownerId: string;
  review: {
    round: number;
    status: ReviewStatus;
    requestedAt: string;
    /** The user's own vote in the current round; null before they vote. */
    vote: ReviewVote | null;
  };
}

/** What `claimRevision` needs: a `QuestionClaim` without the question. */
export type RevisionClaim = Omit<QuestionClaim, 'questionId'>;

/** What `claimSession` needs: a `QuestionClaim` without the version. */
export type SessionClaim = Omit<QuestionClaim, 'version'>;

/** What `claimSession` did, and the session: as claimed, or as it is when not claimed. */
export interface SessionClaimed {
  result: ClaimResult;
  session: SessionRecord | null;
}

/** What `renewClaim` extends. */
export interface LeaseRenewal {
  leaseId: string;
  /** ISO time the lease now ends. */
  expiresAt: string;
  /** The keyed request the turn serves: its in-flight lock now ends at `lockedUntil`. */
  idempotency?: { key: string; lockedUntil: string };
}

/** `stale`: the session moved on (another version or question); `busy`: a lease is held. */
export type ClaimResult = 'claimed' | 'not_found' | 'stale' | 'busy';

/** One answered question of the transcript. */
export interface TurnRecord {
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
  /**
   * The accepted turn this answer revises (set on every answer of a revision, its follow-ups
   * included); once accepted it replaces that turn's answer. Null for an ordinary answer.
   */
  revisesTurnId: string | null;
  /** Accepted after the last allowed answer although it scored under the threshold. */
  escalated: boolean;
  /** Whether this answer closed its topic (accepted or escalated). */
  accepted: boolean;
  provider: string;
  model: string;
  promptVersion: string;
  createdAt: string;
}

/** The new state a turn leaves the session in. */
export interface SessionUpdate {
  status: SessionStatus;
  currentStageId: string | null;
  pending: PendingQuestionRecord | null;
  result: unknown | null;
  /** The revision under way after this turn (null when none is, or it just ended). */
  revision: RevisionRecord | null;
  updatedAt: string;
}

/** Everything one turn writes, in one atomic `commitTurn`. */
export interface TurnCommit {
  expectedVersion: number;
  leaseId: string;
  session: SessionUpdate;
  /** Only the stages this turn changed. */
  stages: StageRecord[];
  turn: TurnRecord;
  calls: LlmCallRecord[];
  /** Versions to keep: every artifact, result and report this turn produced (appended). */
  history?: HistoryRecord[];
  /** The keyed request this turn answers: stored completed, replacing its in-flight entry. */
  idempotency?: { key: string; requestHash: string; expiresAt: string; response: unknown };
  /** Webhooks of what this turn completed, written only when the turn commits. */
  outbox?: OutboxMessage[];
}

/** One LLM attempt, failed or not: the usage ledger's row. */
export interface LlmCallRecord {
  id: string;
  sessionId: string;
  /** The stage the call served, when it served one. */
  stageId: string | null;
  /** What the call was for: `scoring`, `extraction`, ... */
  purpose: string;
  provider: string;
  model: string;
  tier: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Null when the model has no known price. */
  costUsd: number | null;
  latencyMs: number;
  outcome: 'ok' | 'error' | 'invalid_output';
  /** The kind of failure, when it failed (`timeout`, `rate_limited`, ...). */
  errorKind: string | null;
  promptVersion: string;
  createdAt: string;
}

/** What `beginIdempotent` records for a keyed request. */
export interface IdempotencyStart {
  key: string;
  /** A hash of what was asked, so a reuse with another body is recognised. */
  requestHash: string;
  now: string;
  /** Until when an in-flight request blocks retries (then it counts as abandoned). */
  lockedUntil: string;
  /** When the key is forgotten. */
  expiresAt: string;
}

/** Whether a keyed request may run, must wait, or replays a stored response. */
export type IdempotencyState =
  | { status: 'started' }
  | { status: 'in_flight' }
  | { status: 'mismatch' }
  | { status: 'completed'; response: unknown };

/** A user as stored, password hash included. */
export interface UserRecord {
  id: string;
  /** Normalised: trimmed, lower case. */
  email: string;
  name: string | null;
  passwordHash: string;
  /** Bumped to revoke every token issued before. */
  tokenVersion: number;
  createdAt: string;
}

/** The fields of a user that can change. */
export interface UserPatch {
  passwordHash?: string;
  tokenVersion?: number;
}
