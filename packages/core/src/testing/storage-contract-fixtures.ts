import { expect } from 'vitest';
import type { ErrorCode } from '../errors';
import { UaipError } from '../errors';
import type {
  LlmCallRecord,
  PendingQuestionRecord,
  QuestionClaim,
  SessionRecord,
  StageRecord,
  Storage,
  TurnCommit,
  TurnRecord,
  UsageTotals,
  UserRecord,
} from '../storage/types';

// Builders for the storage contract. Every id is a fresh UUID, so the cases can share one
// database (and a PostgreSQL implementation may store ids in `uuid` columns). Times are whole
// milliseconds in `toISOString()` form, which every store returns unchanged.

/** The storage under test; a function because the suite's setup runs after declaration. */
export type StorageUnderTest = () => Storage;

const T0 = Date.parse('2030-01-01T00:00:00.000Z');

/** An ISO time `seconds` after a fixed instant. */
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

/** An active session of a fresh owner, at version 0, waiting on a question of `problem`. */
export function makeSession(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: newId(),
    ownerId: newId(),
    workflowId: 'uaip',
    workflowVersion: '1.0.0',
    promptVersion: 'prompts-1',
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
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

/** The answer to the session's pending question. */
export function makeTurn(session: SessionRecord, overrides: Partial<TurnRecord> = {}): TurnRecord {
  return {
    id: newId(),
    stageId: session.pending?.stageId ?? 'problem',
    topicId: session.pending?.topicId ?? null,
    questionId: session.pending?.id ?? newId(),
    kind: session.pending?.kind ?? 'question',
    question: session.pending?.text ?? 'What problem should the model solve?',
    answer: 'Cancellations cost us 2% of revenue a month',
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

/** A claim on the session's pending question at its version, held for a minute from `at(0)`. */
export function makeClaim(session: SessionRecord, overrides: Partial<QuestionClaim> = {}) {
  return {
    version: session.version,
    questionId: session.pending?.id ?? newId(),
    leaseId: newId(),
    expiresAt: at(60),
    now: at(0),
    ...overrides,
  } satisfies QuestionClaim;
}

/** What answering the session's pending question commits: a follow-up and one scoring call. */
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
      updatedAt: at(20),
    },
    stages: [],
    turn: makeTurn(session),
    calls: [makeCall(session.id)],
    ...overrides,
  };
}

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

/** Stores a fresh session and claims its question: the state a turn starts from. */
export async function createClaimed(
  storage: Storage,
  overrides: Partial<SessionRecord> = {},
): Promise<{ session: SessionRecord; leaseId: string }> {
  const session = makeSession(overrides);
  await storage.createSession(session);
  const claim = makeClaim(session);
  expect(await storage.claimQuestion(session.ownerId, session.id, claim)).toBe('claimed');
  return {
    session: { ...session, lease: { id: claim.leaseId, expiresAt: claim.expiresAt } },
    leaseId: claim.leaseId,
  };
}

/** Awaits `promise` and checks it failed with a `UaipError` of this code. */
export async function expectUaipError(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a UaipError '${code}'`).toBeDefined();
  expect(UaipError.isInstance(caught) && caught.code).toBe(code);
}
