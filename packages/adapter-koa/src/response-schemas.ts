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
      status: z.enum(['pending', 'active', 'completed']),
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
});

/** A page of the session list. */
export const sessionPageSchema = z.object({
  items: z.array(
    z.object({
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
    }),
  ),
  nextCursor: z.string().nullable(),
});

/** The transcript of a session. */
export const turnListSchema = z.object({
  items: z.array(
    z.object({
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
      provider: z.string(),
      model: z.string(),
      createdAt: iso,
    }),
  ),
});

/** The body of a successful answer. */
export const answerResultSchema = z.object({
  session: sessionSchema,
  outcome: z.object({
    kind: z.enum(['follow_up', 'accepted', 'stage_completed', 'session_completed']),
    quality: z.object({ score: z.number(), threshold: z.number(), issues: z.array(z.string()) }),
    escalated: z.boolean(),
  }),
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
