import type { Session, SessionSummary } from '@uaip/core';
import { z } from 'zod';

// The structured outputs of the tools: what an agent (or a client program) reads, as zod
// schemas so the SDK advertises them and checks every result against them.

/** A question waiting for the user, with where it stands in the session. */
export const questionSchema = z.object({
  id: z.string().describe('Pass it back as questionId to answer_question'),
  text: z.string().describe('Ask the user exactly this, word for word'),
  kind: z
    .enum(['question', 'follow_up', 'gap'])
    .describe(
      "question: a topic's first question; follow_up: the last answer was too vague; gap: the stage misses something",
    ),
  stageId: z.string(),
  stageTitle: z.string(),
  stageNumber: z.number().int(),
  topicId: z.string().nullable().describe('The topic it belongs to; null for a gap question'),
  stageCount: z.number().int(),
  topicNumber: z.number().int().nullable(),
  topicCount: z.number().int(),
  attempt: z.number().int(),
  maxAttempts: z.number().int(),
  lastScore: z.number().nullable().describe('The score of the answer this follows up, 0-10'),
  issues: z.array(z.string()).describe('What the last answer missed'),
});
/** {@link questionSchema}'s value. */
export type QuestionView = z.infer<typeof questionSchema>;

/** A session's state: enough to know what to do next. */
export const sessionStateSchema = z.object({
  sessionId: z.string(),
  title: z.string(),
  status: z.enum(['active', 'completed']),
  question: questionSchema.nullable().describe('The question to relay; null once completed'),
  decision: z
    .string()
    .nullable()
    .describe("A completed session's outcome, e.g. the charter's decision"),
});

/** The question a session waits on, placed in its stages; null when there is none. */
export function questionOf(session: Session): QuestionView | null {
  const pending = session.pendingQuestion;
  if (!pending) return null;
  const index = session.stages.findIndex((stage) => stage.id === pending.stageId);
  return {
    id: pending.id,
    text: pending.text,
    kind: pending.kind,
    stageId: pending.stageId,
    stageTitle: session.stages[index]?.title ?? pending.stageId,
    stageNumber: index + 1,
    topicId: pending.topicId,
    stageCount: session.stages.length,
    topicNumber: pending.topicNumber,
    topicCount: pending.topicCount,
    attempt: pending.attempt,
    maxAttempts: pending.maxAttempts,
    lastScore: pending.lastScore,
    issues: pending.issues,
  };
}

/** The outcome a completed session's result names (U-AIP: the charter's decision), if any. */
export function decisionOf(session: Pick<Session, 'result'>): string | null {
  const outcome = (session.result as { outcome?: unknown } | null)?.outcome;
  return typeof outcome === 'string' ? outcome : null;
}

/** {@link sessionStateSchema}'s value for a session. */
export function sessionState(session: Session): z.infer<typeof sessionStateSchema> {
  return {
    sessionId: session.id,
    title: session.title,
    status: session.status,
    question: questionOf(session),
    decision: decisionOf(session),
  };
}

/** A row of list_sessions. */
export const sessionSummarySchema = z.object({
  sessionId: z.string(),
  title: z.string(),
  workflowId: z.string(),
  status: z.enum(['active', 'completed']),
  currentStageId: z.string().nullable(),
  decision: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** {@link sessionSummarySchema}'s value for a summary. */
export function summaryOf(summary: SessionSummary): z.infer<typeof sessionSummarySchema> {
  return {
    sessionId: summary.id,
    title: summary.title,
    workflowId: summary.workflowId,
    status: summary.status,
    currentStageId: summary.currentStageId,
    decision: summary.outcome,
    createdAt: summary.createdAt,
    updatedAt: summary.updatedAt,
  };
}
