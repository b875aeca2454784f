import { createHash } from 'node:crypto';
import type { CallToolResult, McpServer } from '@modelcontextprotocol/server';
import { MAX_ANSWER_LENGTH } from '@uaip/core';
import { z } from 'zod';
import type { UaipBackend } from './backend';
import { toolError } from './errors';
import { answerSummary, nextStep } from './guidance';
import {
  questionSchema,
  sessionState,
  sessionStateSchema,
  sessionSummarySchema,
  summaryOf,
} from './views';

const sessionId = z.string().min(1).max(100).describe('The session id start_session gave');

/** The tools: a scoping session run one call at a time, its state kept by uaip. */
export function registerTools(
  server: McpServer,
  backend: UaipBackend,
  report: (error: unknown) => void,
): void {
  // Each handler returns text that says what to do next, plus the same facts as structured
  // content; a refusal of uaip becomes an error result the agent can act on.
  const run =
    <A>(handler: (args: A) => Promise<CallToolResult>) =>
    async (args: A): Promise<CallToolResult> => {
      try {
        return await handler(args);
      } catch (error) {
        return toolError(error, report);
      }
    };
  const result = (text: string, structured: Record<string, unknown>): CallToolResult => ({
    content: [{ type: 'text', text }],
    structuredContent: structured,
  });

  server.registerTool(
    'list_workflows',
    {
      title: 'List workflows',
      description:
        'The workflows a scoping session can run (U-AIP scopes an AI project in five stages and ends in an AI Project Charter).',
      inputSchema: z.object({}),
      outputSchema: z.object({
        workflows: z.array(
          z.object({
            id: z.string(),
            title: z.string(),
            description: z.string(),
            stages: z.array(
              z.object({ id: z.string(), title: z.string(), description: z.string() }),
            ),
          }),
        ),
      }),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    run(async () => {
      const workflows = await backend.workflows();
      const lines = workflows.map(
        (workflow) =>
          `- ${workflow.id}: ${workflow.title} (${workflow.stages.length} stages: ${workflow.stages.map((stage) => stage.title).join(', ')})`,
      );
      return result(
        `${lines.join('\n')}\n\nCall start_session with the user's idea (and a workflowId, by default "uaip") to begin.`,
        { workflows },
      );
    }),
  );

  server.registerTool(
    'start_session',
    {
      title: 'Start a scoping session',
      description:
        "Starts a scoping session on the user's idea for an AI project and returns its first question. The session waits for the user: relay each question to them verbatim and pass their answer to answer_question. The session is stored by uaip, so it can be continued in a later conversation with its id.",
      inputSchema: z.object({
        idea: z.string().min(1).max(2000).describe("The user's idea, in their words"),
        title: z
          .string()
          .min(1)
          .max(200)
          .optional()
          .describe('A short title; defaults to the idea'),
        workflowId: z.string().min(1).max(100).optional().describe('Defaults to "uaip"'),
      }),
      outputSchema: sessionStateSchema,
    },
    run(async (input) => {
      const session = await backend.start(input);
      return result(`Started.\n${nextStep(session)}`, sessionState(session));
    }),
  );

  server.registerTool(
    'get_pending_question',
    {
      title: 'Get the pending question',
      description:
        'The question a session waits on (to relay to the user), or that it is completed. Use it to pick a session up again in a later conversation.',
      inputSchema: z.object({ sessionId }),
      outputSchema: sessionStateSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    run(async ({ sessionId }) => {
      const session = await backend.get(sessionId);
      return result(nextStep(session), sessionState(session));
    }),
  );

  server.registerTool(
    'answer_question',
    {
      title: "Answer the pending question with the user's answer",
      description:
        "Sends the user's answer to the pending question. uaip scores it: a vague answer gets a follow-up question, a specific one moves on. Returns the score and the next question to relay to the user verbatim. Never invent an answer: ask the user.",
      inputSchema: z.object({
        sessionId,
        questionId: z.string().min(1).max(200).describe('The id of the question being answered'),
        answer: z
          .string()
          .min(1)
          .max(MAX_ANSWER_LENGTH)
          .describe("The user's answer, in their own words"),
      }),
      outputSchema: sessionStateSchema.extend({
        outcome: z.enum([
          'follow_up',
          'accepted',
          'stage_completed',
          'session_completed',
          'revision_completed',
        ]),
        score: z.number(),
        threshold: z.number(),
        issues: z.array(z.string()).describe('What the answer missed'),
        escalated: z.boolean(),
        followUpAsked: z.boolean(),
        question: questionSchema
          .nullable()
          .describe('The next question to relay; null once completed'),
      }),
      // Not idempotent in general, but a repeat of the same answer replays the first reply.
      annotations: { destructiveHint: false, openWorldHint: false },
    },
    run(async ({ sessionId, questionId, answer }) => {
      const reply = await backend.answer(
        sessionId,
        { questionId, answer },
        idempotencyKey(sessionId, questionId, answer),
      );
      const { quality, kind, escalated } = reply.outcome;
      return result(answerSummary(reply), {
        ...sessionState(reply.session),
        outcome: kind,
        score: quality.score,
        threshold: quality.threshold,
        issues: quality.issues,
        escalated,
        followUpAsked: kind === 'follow_up',
      });
    }),
  );

  server.registerTool(
    'get_charter',
    {
      title: 'Get the AI Project Charter',
      description:
        'The AI Project Charter of a completed session: Markdown to show the user, or the structured report as JSON.',
      inputSchema: z.object({
        sessionId,
        format: z.enum(['markdown', 'json']).default('markdown'),
      }),
      outputSchema: z.object({
        sessionId: z.string(),
        format: z.enum(['markdown', 'json']),
        charter: z.unknown().describe('Markdown text, or the structured report'),
      }),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    run(async ({ sessionId, format }) => {
      const charter = await backend.charter(sessionId, format);
      const text = typeof charter === 'string' ? charter : JSON.stringify(charter, null, 2);
      return result(text, { sessionId, format, charter });
    }),
  );

  server.registerTool(
    'list_sessions',
    {
      title: "List the user's sessions",
      description:
        "The user's scoping sessions, newest first, to continue one (get_pending_question) or read a charter (get_charter).",
      inputSchema: z.object({
        limit: z.number().int().min(1).max(100).default(20),
        cursor: z.string().max(500).optional().describe('nextCursor of the previous page'),
      }),
      outputSchema: z.object({
        sessions: z.array(sessionSummarySchema),
        nextCursor: z.string().nullable(),
      }),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    run(async ({ limit, cursor }) => {
      const page = await backend.list({ limit, ...(cursor ? { cursor } : {}) });
      const sessions = page.items.map(summaryOf);
      const lines = sessions.map(
        (session) =>
          `- ${session.sessionId} "${session.title}": ${session.status}${session.decision ? ` (${session.decision})` : ''}, updated ${session.updatedAt}`,
      );
      const more = page.nextCursor
        ? `\nMore: call list_sessions with cursor "${page.nextCursor}".`
        : '';
      return result(
        sessions.length > 0 ? `${lines.join('\n')}${more}` : 'No sessions yet: call start_session.',
        { sessions, nextCursor: page.nextCursor },
      );
    }),
  );
}

/**
 * The same answer to the same question is the same request: a repeat (a call that timed out
 * on the agent's side and was sent again) replays uaip's first reply instead of a `conflict`.
 */
function idempotencyKey(sessionId: string, questionId: string, answer: string): string {
  const digest = createHash('sha256').update(JSON.stringify([sessionId, questionId, answer]));
  return `mcp-${digest.digest('hex')}`;
}
