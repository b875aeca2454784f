import { randomUUID } from 'node:crypto';
import type {
  LlmCallRecord,
  PendingQuestionRecord,
  QuestionClaim,
  SessionRecord,
  TurnCommit,
} from '@uaip/core';

// Small builders for this package's own tests (the contract suite has its own). Times are
// fixed ISO strings, ids random, so tests can share a database.

const T0 = Date.parse('2030-01-01T00:00:00.000Z');

/** An ISO time `seconds` after a fixed instant. */
export function at(seconds: number): string {
  return new Date(T0 + seconds * 1000).toISOString();
}

export function question(overrides: Partial<PendingQuestionRecord> = {}): PendingQuestionRecord {
  return {
    id: randomUUID(),
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

/** An active session of a fresh owner at version 0, waiting on a question. */
export function session(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: randomUUID(),
    ownerId: randomUUID(),
    workflowId: 'uaip',
    workflowVersion: '1.0.0',
    promptVersion: 'prompts-1',
    title: 'Churn prediction',
    idea: 'Predict which customers will cancel next month',
    status: 'active',
    currentStageId: 'problem',
    stages: [
      {
        stageId: 'problem',
        status: 'active',
        artifact: null,
        gate: null,
        gapAsked: false,
        completedAt: null,
      },
      {
        stageId: 'data',
        status: 'pending',
        artifact: null,
        gate: null,
        gapAsked: false,
        completedAt: null,
      },
    ],
    pending: question(),
    result: null,
    usage: {
      calls: 0,
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd: 0,
      unpricedCalls: 0,
    },
    version: 0,
    lease: null,
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

/** A claim on the session's pending question at its version, for a minute from `now`. */
export function claimOf(record: SessionRecord, now = 0): QuestionClaim {
  return {
    version: record.version,
    questionId: record.pending!.id,
    leaseId: randomUUID(),
    expiresAt: at(now + 60),
    now: at(now),
  };
}

export function call(sessionId: string, overrides: Partial<LlmCallRecord> = {}): LlmCallRecord {
  return {
    id: randomUUID(),
    sessionId,
    stageId: 'problem',
    purpose: 'scoring',
    provider: 'fake',
    model: 'fake-fast',
    tier: 'fast',
    inputTokens: 100,
    outputTokens: 20,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costUsd: 0.25,
    latencyMs: 12.5,
    outcome: 'ok',
    errorKind: null,
    promptVersion: 'prompts-1',
    createdAt: at(10),
    ...overrides,
  };
}

/** Answering the session's pending question: a follow-up and one scoring call. */
export function commitOf(
  record: SessionRecord,
  leaseId: string,
  overrides: Partial<TurnCommit> = {},
): TurnCommit {
  const pending = record.pending!;
  return {
    expectedVersion: record.version,
    leaseId,
    session: {
      status: 'active',
      currentStageId: record.currentStageId,
      pending: question({ stageId: pending.stageId, attempt: pending.attempt + 1 }),
      result: null,
      updatedAt: at(20),
    },
    stages: [],
    turn: {
      id: randomUUID(),
      stageId: pending.stageId,
      topicId: pending.topicId,
      questionId: pending.id,
      kind: pending.kind,
      question: pending.text,
      answer: 'Cancellations cost us 2% of revenue a month',
      attempt: pending.attempt,
      score: 0.75,
      issues: ['no baseline'],
      escalated: false,
      accepted: false,
      provider: 'fake',
      model: 'fake-fast',
      promptVersion: 'prompts-1',
      createdAt: at(10),
    },
    calls: [call(record.id)],
    ...overrides,
  };
}

/** The session after `commit` went through: what the next turn starts from. */
export function afterCommit(record: SessionRecord, commit: TurnCommit): SessionRecord {
  return { ...record, ...commit.session, version: record.version + 1, lease: null };
}

/** Polls `probe` until it returns something other than undefined (or gives up). */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('waitFor: gave up');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** What a promise rejected with, or undefined when it resolved. */
export function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}
