import { z } from 'zod';
import { textField } from '../text-field';

/** The `format` of a session export. */
export const SESSION_EXPORT_FORMAT = 'uaip.session';
/** The versions of the session export this package reads; it writes the last. */
export const SESSION_EXPORT_VERSIONS = [1] as const;
/** The most a session export may weigh, serialized as JSON (UTF-8 bytes): 5 MB. */
export const MAX_SESSION_EXPORT_BYTES = 5 * 1024 * 1024;

const id = textField({ min: 1, max: 200 });
const time = z.iso.datetime({ offset: true });
const text = (max: number) => textField({ max });
// Bounds well past any real session that keep every number within what storage columns hold
// (PostgreSQL's integer for versions and attempts, bigint for tokens) and its sums finite.
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const tokens = z.number().int().min(0).max(1_000_000_000);
const small = z.number().int().min(1).max(1_000);
const version = z.number().int().min(1).max(1_000_000_000);
// Any JSON value: an artifact, a result, a report. JSON has no `undefined`.
const json = z.json();

const gate = z.object({ passed: z.boolean(), missing: z.array(text(2_000)).max(1_000) });

const stage = z.object({
  stageId: id,
  status: z.enum(['pending', 'active', 'completed', 'stale']),
  artifact: json.nullable(),
  gate: gate.nullable(),
  gapAsked: z.boolean(),
  completedAt: time.nullable(),
});

const questionKind = z.enum(['question', 'follow_up', 'gap']);

const pendingQuestion = z.object({
  id,
  stageId: id,
  topicId: id.nullable(),
  kind: questionKind,
  text: text(20_000),
  attempt: small,
  maxAttempts: small,
  lastScore: z.number().min(0).max(10).nullable(),
  issues: z.array(text(10_000)).max(100),
  askedAt: time,
  revisesTurnId: id.optional(),
  originalText: text(20_000).optional(),
});

const revision = z.object({
  id,
  turnId: id,
  stageId: id,
  actorId: id,
  startedAt: time,
  resume: pendingQuestion.nullable(),
  resumeStageId: id.nullable(),
  stale: z.array(id).max(1_000),
  gapsAsked: z.array(id).max(1_000),
});

const usageTotals = z.object({
  calls: count,
  inputTokens: count,
  outputTokens: count,
  cacheReadTokens: count,
  cacheWriteTokens: count,
  costUsd: z.number().min(0).max(Number.MAX_SAFE_INTEGER),
  unpricedCalls: count,
});

/** The session itself: its record without owner or lease (an import sets its own). */
const exportedSession = z.object({
  id,
  workflowId: id,
  workflowVersion: text(100),
  promptVersion: text(100),
  quality: z
    .object({ threshold: z.number().min(0).max(10), maxAttempts: z.number().int().min(1).max(10) })
    .nullable(),
  title: text(200),
  idea: text(2_000),
  status: z.enum(['active', 'completed']),
  currentStageId: id.nullable(),
  stages: z.array(stage).min(1).max(100),
  pending: pendingQuestion.nullable(),
  result: json.nullable(),
  usage: usageTotals,
  version,
  revision: revision.nullable(),
  createdAt: time,
  updatedAt: time,
});

const turn = z.object({
  id,
  stageId: id,
  topicId: id.nullable(),
  questionId: id,
  kind: questionKind,
  question: text(20_000),
  answer: text(10_000),
  attempt: small,
  score: z.number().min(0).max(10),
  issues: z.array(text(10_000)).max(100),
  revisesTurnId: id.nullable(),
  escalated: z.boolean(),
  accepted: z.boolean(),
  provider: text(200),
  model: text(200),
  promptVersion: text(100),
  createdAt: time,
});

const historyEntry = z.object({
  id,
  kind: z.enum(['artifact', 'result', 'report']),
  stageId: id.nullable(),
  sessionVersion: version,
  value: json,
  gate: gate.nullable(),
  revisionId: id.nullable(),
  actorId: id,
  createdAt: time,
});

const llmCall = z.object({
  id,
  stageId: id.nullable(),
  purpose: text(100),
  provider: text(200),
  model: text(200),
  tier: text(100),
  inputTokens: tokens,
  outputTokens: tokens,
  cacheReadTokens: tokens,
  cacheWriteTokens: tokens,
  costUsd: z.number().min(0).max(1_000_000).nullable(),
  latencyMs: z.number().min(0).max(1_000_000_000),
  outcome: z.enum(['ok', 'error', 'invalid_output']),
  errorKind: text(100).nullable(),
  promptVersion: text(100),
  createdAt: time,
});

const reviewer = z.object({
  userId: id,
  vote: z.enum(['approve', 'reject']).nullable(),
  comment: text(2_000).nullable(),
  votedAt: time.nullable(),
});

const reviewRound = z.object({
  round: small,
  status: z.enum(['open', 'approved', 'rejected', 'closed']),
  requestedBy: id,
  requestedAt: time,
  note: text(2_000).nullable(),
  sessionVersion: version,
  outcome: text(200).nullable(),
  approvalsRequired: small,
  reviewers: z.array(reviewer).max(100),
  decidedBy: id.nullable(),
  decidedAt: time.nullable(),
  closedReason: z.enum(['revised', 'replaced']).nullable(),
  closedAt: time.nullable(),
});

const review = z.object({
  version,
  current: reviewRound,
  earlier: z.array(reviewRound).max(1_000),
  updatedAt: time,
});

/**
 * A session as one document, version 1: the session (its stages with their artifacts and
 * gates, the pending question, the result such as U-AIP's charter, the revision under way),
 * every turn of the transcript (question, answer, score, issues, whether it was accepted or
 * followed up), every kept version of the artifacts, results and reports, and every LLM call.
 * Enough to import it elsewhere, and to replay its accepted answers against another model or
 * prompt (the workflow's id and version and the prompt version are in `session`). `review`,
 * when the session had a committee review, is for the record: an import leaves it out (its
 * reviewers are users of the exporting deployment). The JSON Schema is published as
 * `docs/schemas/session-export-v1.json`.
 */
export const sessionExportSchema = z.object({
  format: z.literal(SESSION_EXPORT_FORMAT),
  version: z.literal(1),
  exportedAt: time,
  session: exportedSession,
  turns: z.array(turn).max(10_000),
  history: z.array(historyEntry).max(10_000),
  usage: z.array(llmCall).max(50_000),
  review: review.optional(),
});

/** A session export (version 1): see {@link sessionExportSchema}. */
export type SessionExport = z.output<typeof sessionExportSchema>;

/** The JSON Schema (draft 2020-12) of a session export, as published in `docs/schemas`. */
export function sessionExportJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(sessionExportSchema, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://uaip.dev/schemas/session-export-v1.json',
    title: 'uaip session export, version 1',
  };
}
