import { ERROR_CODES } from '@uaip/core';
import { z } from 'zod';

// The response bodies of the HTTP contract, as zod schemas: the OpenAPI document is generated
// from them, and the tests check real responses against them.

const iso = z.string().describe('ISO 8601 time, UTC');
const gate = z.object({ passed: z.boolean(), missing: z.array(z.string()) });

/** The error body of every failed request. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string(),
  }),
});

/** A user (never a password hash). */
export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  createdAt: iso,
});

/** The body of a successful login. */
export const loginResultSchema = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
  user: userSchema,
});

/** The body of `GET /workflows`. */
export const workflowListSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      description: z.string(),
      stages: z.array(z.object({ id: z.string(), title: z.string(), description: z.string() })),
    }),
  ),
});

export const pendingQuestionSchema = z.object({
  id: z.string(),
  stageId: z.string(),
  topicId: z.string().nullable(),
  text: z.string(),
  originalText: z
    .string()
    .describe('The question as first asked: for a follow-up, the question it follows up'),
  topicNumber: z
    .number()
    .int()
    .nullable()
    .describe("The topic's place in its stage (question k of topicCount); null for a gap question"),
  topicCount: z.number().int().describe('How many topics the stage has'),
  kind: z.enum(['question', 'follow_up', 'gap']),
  attempt: z.number().int(),
  maxAttempts: z.number().int(),
  lastScore: z.number().nullable(),
  issues: z.array(z.string()),
  revisesTurnId: z
    .string()
    .nullable()
    .describe('Set when the question asks for a revised answer: the accepted turn it revises'),
});

/** A session, as every session route returns it. */
export const sessionSchema = z.object({
  id: z.string(),
  workflowId: z.string(),
  workflowVersion: z.string(),
  title: z.string(),
  idea: z.string(),
  status: z.enum(['active', 'completed']),
  createdAt: iso,
  updatedAt: iso,
  version: z.number().int(),
  currentStageId: z.string().nullable(),
  stages: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      status: z
        .enum(['pending', 'active', 'completed', 'stale'])
        .describe('`stale`: a revision of an earlier answer will re-extract it'),
      artifact: z.unknown(),
      gate: gate.nullable(),
    }),
  ),
  pendingQuestion: pendingQuestionSchema.nullable(),
  usage: z.object({
    inputTokens: z.number(),
    outputTokens: z.number(),
    costUsd: z.number(),
    unpricedCalls: z.number(),
  }),
  result: z.unknown(),
  revision: z
    .object({
      id: z.string(),
      turnId: z.string().describe('The accepted turn whose answer is revised'),
      stageId: z.string(),
      stale: z.array(z.string()).describe('The stages still to re-extract'),
    })
    .nullable()
    .describe('The revision of an earlier answer the session waits on; null when none is'),
});

const sessionSummary = z.object({
  id: z.string(),
  workflowId: z.string(),
  title: z.string(),
  status: z.enum(['active', 'completed']),
  currentStageId: z.string().nullable(),
  outcome: z
    .string()
    .nullable()
    .describe("A completed session's outcome in a few words (U-AIP: the charter's decision)"),
  createdAt: iso,
  updatedAt: iso,
});

/** A page of the session list. */
export const sessionPageSchema = z.object({
  items: z.array(sessionSummary),
  nextCursor: z.string().nullable(),
});

const memberRole = z
  .enum(['viewer', 'editor'])
  .describe(
    '`viewer` reads the session and follows its events; `editor` may also answer and revise',
  );

/** The owner of a session as its members and reviewers see it: who shared it or asks. */
const ownerName = z
  .object({ email: z.string().nullable(), name: z.string().nullable() })
  .describe("The owner's email and name; nulls when the server has no account of that id");

/** A member of a shared session: an account the owner shared it with, and the role. */
export const memberSchema = z.object({
  userId: z.string(),
  email: z
    .string()
    .nullable()
    .describe("The account's email; null when the server has no account of that id"),
  name: z.string().nullable(),
  role: memberRole,
  addedBy: z.string().describe('Who shared the session with them (its owner)'),
  createdAt: iso.describe('When the session was first shared with them'),
  updatedAt: iso.describe('When their role last changed'),
});

/** The body of a share or a role change. */
export const memberResultSchema = z.object({ member: memberSchema });

/** The body of `GET /sessions/:id/members`. */
export const sessionMembersSchema = z.object({
  ownerId: z.string().describe("The session's owner (never one of the members)"),
  owner: ownerName,
  members: z.array(memberSchema).describe('In the order they were first added'),
});

/** A page of the sessions shared with the caller. */
export const sharedSessionPageSchema = z.object({
  items: z.array(
    sessionSummary.extend({
      ownerId: z.string(),
      owner: ownerName,
      role: memberRole.describe("The caller's role in the session"),
    }),
  ),
  nextCursor: z.string().nullable(),
});

/** One answer of the transcript. */
export const turnSchema = z.object({
  id: z.string().describe('The turn to name in `POST /sessions/{id}/turns/{turnId}/revisions`'),
  stageId: z.string(),
  topicId: z.string().nullable(),
  questionId: z.string(),
  kind: z.enum(['question', 'follow_up', 'gap']),
  question: z.string(),
  answer: z.string(),
  attempt: z.number().int(),
  score: z.number(),
  issues: z.array(z.string()),
  escalated: z.boolean(),
  accepted: z
    .boolean()
    .describe('Whether this answer closed its question (accepted or escalated): the record'),
  revisesTurnId: z
    .string()
    .nullable()
    .describe('The accepted turn this answer revises; null for an ordinary answer'),
  revisedBy: z
    .string()
    .nullable()
    .describe('The accepted revision that replaced this answer, if one did'),
  provider: z.string(),
  model: z.string(),
  createdAt: iso,
});

/** The transcript of a session. */
export const turnListSchema = z.object({ items: z.array(turnSchema) });

/** Where a revision of an earlier answer stands after a turn of it. */
export const revisionSummarySchema = z.object({
  id: z.string(),
  turnId: z.string().describe('The accepted turn whose answer is revised'),
  status: z
    .enum(['follow_up', 'gap', 'completed'])
    .describe(
      '`follow_up`: the new answer was vague and a follow-up is pending; `gap`: a stage rebuilt on it misses something and its gap question is pending; `completed`: everything built on it was rebuilt',
    ),
  rebuilt: z.array(z.string()).describe('The stages re-extracted by this turn, in order'),
  stale: z.array(z.string()).describe('The stages still to re-extract'),
});

/** The body of a successful answer or revision. */
export const answerResultSchema = z.object({
  session: sessionSchema,
  outcome: z.object({
    kind: z
      .enum(['follow_up', 'accepted', 'stage_completed', 'session_completed', 'revision_completed'])
      .describe(
        '`revision_completed`: a revision was accepted and everything built on it was rebuilt',
      ),
    quality: z.object({ score: z.number(), threshold: z.number(), issues: z.array(z.string()) }),
    escalated: z.boolean(),
  }),
  revision: revisionSummarySchema
    .optional()
    .describe('Present when the answer belonged to a revision of an earlier answer'),
});

const historyEntry = {
  version: z.number().int().describe('The session version it belongs to'),
  actorId: z.string().describe('Who caused it'),
  revisionId: z
    .string()
    .nullable()
    .describe('The revision that produced it; null when answering did'),
  at: iso,
};
/** The body of `GET /sessions/:id/history`. */
export const historySchema = z.object({
  answers: z
    .array(turnSchema)
    .describe('Every answer, oldest first; a revised one points at the turn it replaced'),
  artifacts: z.array(
    z.object({
      ...historyEntry,
      stageId: z.string(),
      artifact: z.unknown(),
      gate: gate.nullable(),
    }),
  ),
  results: z
    .array(z.object({ ...historyEntry, result: z.unknown() }))
    .describe(
      "The finish step's results (U-AIP: the charter's decision and summary), oldest first",
    ),
  reports: z
    .array(z.object({ ...historyEntry, report: z.unknown() }))
    .describe(
      'The reports (U-AIP: the AI Project Charter as JSON) each completion built, oldest first',
    ),
});

const figures = {
  calls: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number(),
};
/** The usage of a session. */
export const usageSchema = z.object({
  total: z.object({
    ...figures,
    cacheReadTokens: z.number(),
    cacheWriteTokens: z.number(),
    unpricedCalls: z.number(),
  }),
  byProvider: z.array(z.object({ provider: z.string(), model: z.string(), ...figures })),
  byStage: z.array(z.object({ stageId: z.string(), ...figures })),
});

/** One attempt at delivering a webhook. */
const deliveryAttempt = z.object({
  at: iso.describe('When the attempt started'),
  status: z
    .number()
    .int()
    .nullable()
    .describe(
      "The receiver's HTTP status; null when no answer came (timeout, refused, unreachable)",
    ),
  error: z.string().nullable().describe('Why it did not deliver; null for a 2xx'),
  durationMs: z.number(),
});

/** A webhook of a session: the event, the host's endpoint, where it stands, every attempt. */
export const webhookDeliverySchema = z.object({
  id: z.string().describe('The `webhook-id` the receiver sees, the same on every attempt'),
  eventType: z.string().describe('The event, e.g. `session.completed`'),
  endpointId: z.string().describe("The host's endpoint (its URL and secret are not shown)"),
  status: z
    .enum(['pending', 'delivered', 'failed'])
    .describe('`pending`: waiting for an attempt; `delivered`: a 2xx; `failed`: given up'),
  createdAt: iso,
  attempts: z.array(deliveryAttempt).describe('Oldest first'),
  nextAttemptAt: iso.nullable().describe('When the next attempt is due; null once settled'),
  settledAt: iso.nullable().describe('When it was delivered or given up; null while pending'),
});

/** The webhooks of a session, oldest first. */
export const webhookDeliveryListSchema = z.object({ items: z.array(webhookDeliverySchema) });

/** The body of `/health`. */
export const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  checks: z.object({
    storage: z.object({ ok: z.boolean() }),
    llm: z.array(
      z.object({
        provider: z.string(),
        ok: z.boolean(),
        demo: z.boolean().optional(),
        detail: z.string().optional(),
      }),
    ),
  }),
  hint: z
    .string()
    .optional()
    .describe('What to do while no LLM provider is reachable (e.g. how to configure one)'),
});

const vote = z.enum(['approve', 'reject']);
const reviewStatus = z
  .enum(['open', 'approved', 'rejected', 'closed'])
  .describe(
    '`open` while votes are awaited; `approved` or `rejected` once the votes settled it; `closed` when it ended without an outcome (`closedReason`)',
  );

/** A reviewer of a committee review round, and their vote once cast. */
export const reviewerSchema = z.object({
  userId: z.string(),
  email: z
    .string()
    .nullable()
    .describe("The account's email; null when the server has no account of that id"),
  name: z.string().nullable(),
  vote: vote.nullable().describe('Null until they vote; a vote is final'),
  comment: z.string().nullable().describe('Why they voted so'),
  votedAt: iso.nullable(),
});

/** One round of a committee review: the reviewers of one version of the session's result. */
export const reviewRoundSchema = z.object({
  round: z.number().int().describe('1 for the first round; each new request or reopening adds one'),
  status: reviewStatus,
  requestedBy: z.string().describe('The owner who asked for the review'),
  requestedAt: iso,
  note: z.string().nullable().describe("The owner's message to the reviewers"),
  sessionVersion: z.number().int().describe('The session version whose result is under review'),
  outcome: z
    .string()
    .nullable()
    .describe("The result's outcome under review (U-AIP: the charter's decision)"),
  approvalsRequired: z
    .number()
    .int()
    .describe('Approvals that approve the round; it is rejected once that many can no longer come'),
  approvals: z.number().int(),
  rejections: z.number().int(),
  reviewers: z.array(reviewerSchema),
  decidedBy: z.string().nullable().describe('The reviewer whose vote settled the round'),
  decidedAt: iso.nullable(),
  closedReason: z
    .enum(['revised', 'replaced'])
    .nullable()
    .describe('Why a `closed` round ended: the result was revised, or the owner asked again'),
  closedAt: iso.nullable(),
});

/** A session's committee review. */
export const reviewSchema = z.object({
  sessionId: z.string(),
  current: reviewRoundSchema,
  earlier: z.array(reviewRoundSchema).describe('The earlier rounds, oldest first'),
  upToDate: z
    .boolean()
    .describe(
      'Whether the current round is about the session as it is: false while a revision is under way or after one changed it',
    ),
  updatedAt: iso,
});

/** The body of a review request or a vote. */
export const reviewResultSchema = z.object({ review: reviewSchema });

/** The body of `GET /sessions/:id/review`. */
export const sessionReviewSchema = z.object({
  review: reviewSchema.nullable().describe('Null when no review was requested'),
});

/** A page of the reviews asked of the caller. */
export const reviewAssignmentPageSchema = z.object({
  items: z.array(
    sessionSummary.extend({
      ownerId: z.string(),
      owner: ownerName,
      review: z.object({
        round: z.number().int(),
        status: reviewStatus,
        requestedAt: iso,
        vote: vote.nullable().describe("The caller's own vote in the current round"),
      }),
    }),
  ),
  nextCursor: z.string().nullable(),
});
