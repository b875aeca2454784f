import type {
  HistoryRecord,
  LlmCallRecord,
  MemberPut,
  PendingQuestionRecord,
  QuestionClaim,
  ReviewerRecord,
  ReviewRecord,
  ReviewRoundRecord,
  RevisionRecord,
  SessionRecord,
  StageRecord,
  TurnCommit,
  TurnRecord,
  UsageTotals,
  UserRecord,
} from '../storage/types';

// Record builders for storage tests: the contract suite's, and public for anyone testing a
// Storage of their own. No Vitest here, so they work in any runner or script. Every id is a
// fresh UUID, so tests can share one database (and a store may keep ids in `uuid` columns).
// Times are whole milliseconds in `toISOString()` form, which every store returns unchanged.

const T0 = Date.parse('2030-01-01T00:00:00.000Z');

/**
 * An ISO time `seconds` after 2030-01-01T00:00:00.000Z, in `toISOString()` form: the times
 * the builders use (`at(0)` for creation, `at(10)` for a turn, `at(20)` for its commit).
 */
export function at(seconds: number): string {
  return new Date(T0 + seconds * 1000).toISOString();
}

export function newId(): string {
  return crypto.randomUUID();
}

export function zeroUsage(): UsageTotals {
  return {
    calls: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costUsd: 0,
    unpricedCalls: 0,
  };
}

/** A stage record: `problem`, pending, with no artifact or gate yet. */
export function makeStage(overrides: Partial<StageRecord> = {}): StageRecord {
  return {
    stageId: 'problem',
    status: 'pending',
    artifact: null,
    gate: null,
    gapAsked: false,
    completedAt: null,
    ...overrides,
  };
}

/** A first-attempt question on topic `goal` of stage `problem`, asked at `at(0)`. */
export function makeQuestion(
  overrides: Partial<PendingQuestionRecord> = {},
): PendingQuestionRecord {
  return {
    id: newId(),
    stageId: 'problem',
    topicId: 'goal',
    kind: 'question',
    text: 'What problem should the model solve?',
    attempt: 1,
    maxAttempts: 3,
    lastScore: null,
    issues: [],
    askedAt: at(0),
    ...overrides,
  };
}

/**
 * An active session of a fresh owner at version 0, created at `at(0)`: stage `problem`
 * active, `data` pending, a {@link makeQuestion} waiting, no usage and no lease.
 */
export function makeSession(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: newId(),
    ownerId: newId(),
    workflowId: 'uaip',
    workflowVersion: '1.0.0',
    promptVersion: 'prompts-1',
    quality: { threshold: 7, maxAttempts: 3 },
    title: 'Churn prediction',
    idea: 'Predict which customers will cancel next month',
    status: 'active',
    currentStageId: 'problem',
    stages: [makeStage({ stageId: 'problem', status: 'active' }), makeStage({ stageId: 'data' })],
    pending: makeQuestion(),
    result: null,
    usage: zeroUsage(),
    version: 0,
    lease: null,
    revision: null,
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

/** An accepted, scored answer to the session's pending question, at `at(10)`. */
export function makeTurn(session: SessionRecord, overrides: Partial<TurnRecord> = {}): TurnRecord {
  return {
    id: newId(),
    stageId: session.pending?.stageId ?? 'problem',
    topicId: session.pending?.topicId ?? null,
    questionId: session.pending?.id ?? newId(),
    kind: session.pending?.kind ?? 'question',
    question: session.pending?.text ?? 'What problem should the model solve?',
    answer: 'Cancellations cost us 2% of revenue a month',
    revisesTurnId: null,
    attempt: session.pending?.attempt ?? 1,
    score: 0.75,
    issues: ['no baseline'],
    escalated: false,
    accepted: true,
    provider: 'fake',
    model: 'fake-fast',
    promptVersion: 'prompts-1',
    createdAt: at(10),
    ...overrides,
  };
}

/** A successful scoring call of the session costing $0.25, at `at(10)`. */
export function makeCall(sessionId: string, overrides: Partial<LlmCallRecord> = {}): LlmCallRecord {
  return {
    id: newId(),
    sessionId,
    stageId: 'problem',
    purpose: 'scoring',
    provider: 'fake',
    model: 'fake-fast',
    tier: 'fast',
    inputTokens: 100,
    outputTokens: 20,
    cacheReadTokens: 5,
    cacheWriteTokens: 3,
    costUsd: 0.25,
    latencyMs: 120,
    outcome: 'ok',
    errorKind: null,
    promptVersion: 'prompts-1',
    createdAt: at(10),
    ...overrides,
  };
}

/**
 * A claim on the session's pending question at its version, with a fresh lease id, held for
 * a minute from `at(0)`.
 */
export function makeClaim(
  session: SessionRecord,
  overrides: Partial<QuestionClaim> = {},
): QuestionClaim {
  return {
    version: session.version,
    questionId: session.pending?.id ?? newId(),
    leaseId: newId(),
    expiresAt: at(60),
    now: at(0),
    ...overrides,
  };
}

/**
 * What answering the session's pending question under `leaseId` commits, at `at(20)`: the
 * {@link makeTurn}, a follow-up question in the same stage and one {@link makeCall}.
 */
export function makeCommit(
  session: SessionRecord,
  leaseId: string,
  overrides: Partial<TurnCommit> = {},
): TurnCommit {
  return {
    expectedVersion: session.version,
    leaseId,
    session: {
      status: 'active',
      currentStageId: session.currentStageId,
      pending: makeQuestion({ stageId: session.pending?.stageId ?? 'problem', attempt: 2 }),
      result: null,
      revision: null,
      updatedAt: at(20),
    },
    stages: [],
    turn: makeTurn(session),
    calls: [makeCall(session.id)],
    ...overrides,
  };
}

/**
 * A revision of the accepted turn `turnId` of stage `problem`, started at `at(10)` by the
 * session's owner: the session's pending question and current stage to resume, stage `data`
 * stale, no gap question asked.
 */
export function makeRevision(
  session: SessionRecord,
  turnId: string,
  overrides: Partial<RevisionRecord> = {},
): RevisionRecord {
  return {
    id: newId(),
    turnId,
    stageId: 'problem',
    actorId: session.ownerId,
    startedAt: at(10),
    resume: session.pending,
    resumeStageId: session.currentStageId,
    stale: ['data'],
    gapsAsked: [],
    ...overrides,
  };
}

/**
 * The version of stage `problem`'s artifact, with its passed gate, that the next commit of the
 * session produces (at `at(20)`, by the session's owner, not in a revision).
 */
export function makeHistory(
  session: SessionRecord,
  overrides: Partial<HistoryRecord> = {},
): HistoryRecord {
  return {
    id: newId(),
    sessionId: session.id,
    kind: 'artifact',
    stageId: 'problem',
    sessionVersion: session.version + 1,
    value: { statement: 'Reduce churn by 10%' },
    gate: { passed: true, missing: [] },
    revisionId: null,
    actorId: session.ownerId,
    createdAt: at(20),
    ...overrides,
  };
}

/**
 * The session once `commit` went through, as the next turn starts from it: the commit's
 * session fields, the next version and no lease. Stages and usage are left as they were.
 */
export function sessionAfterCommit(session: SessionRecord, commit: TurnCommit): SessionRecord {
  return { ...session, ...commit.session, version: session.version + 1, lease: null };
}

/** A user with a fresh id and email, token version 0, created at `at(0)`. */
export function makeUser(overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id: newId(),
    email: `${newId()}@example.com`,
    name: 'Ada Lovelace',
    passwordHash: '$2b$10$abcdefghijklmnopqrstuv',
    tokenVersion: 0,
    createdAt: at(0),
    ...overrides,
  };
}

/**
 * Sharing the session with a fresh user as `viewer`, by its owner, at `at(5)`: what
 * `putMember(session.ownerId, session.id, member)` takes.
 */
export function makeMember(session: SessionRecord, overrides: Partial<MemberPut> = {}): MemberPut {
  return { userId: newId(), role: 'viewer', addedBy: session.ownerId, at: at(5), ...overrides };
}

/** A reviewer with a fresh user id who has not voted yet. */
export function makeReviewer(overrides: Partial<ReviewerRecord> = {}): ReviewerRecord {
  return { userId: newId(), vote: null, comment: null, votedAt: null, ...overrides };
}

/**
 * An open first round of the session's review, asked by its owner at `at(30)` of two fresh
 * {@link makeReviewer}s (one approval required) on the session's version and outcome.
 */
export function makeReviewRound(
  session: SessionRecord,
  overrides: Partial<ReviewRoundRecord> = {},
): ReviewRoundRecord {
  const outcome = (session.result as { outcome?: unknown } | null)?.outcome;
  return {
    round: 1,
    status: 'open',
    requestedBy: session.ownerId,
    requestedAt: at(30),
    note: 'Please check the decision',
    sessionVersion: session.version,
    outcome: typeof outcome === 'string' ? outcome : null,
    approvalsRequired: 1,
    reviewers: [makeReviewer(), makeReviewer()],
    decidedBy: null,
    decidedAt: null,
    closedReason: null,
    closedAt: null,
    ...overrides,
  };
}

/**
 * The session's review at version 1: a {@link makeReviewRound} as the current round, no
 * earlier ones, updated at `at(30)`. What `saveReview(session.ownerId, session.id, review,
 * null)` creates.
 */
export function makeReview(
  session: SessionRecord,
  overrides: Partial<ReviewRecord> = {},
): ReviewRecord {
  return {
    sessionId: session.id,
    version: 1,
    current: makeReviewRound(session),
    earlier: [],
    updatedAt: at(30),
    ...overrides,
  };
}
