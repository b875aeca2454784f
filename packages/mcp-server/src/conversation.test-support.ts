import type { Client } from '@modelcontextprotocol/client';
import { expect } from 'vitest';
import { ANSWERS } from './test-server.test-support';
import type { QuestionView } from './views';

/** A tool call's result, as a test reads it. */
export interface ToolReply {
  isError: boolean;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the structure they expect
  structured: any;
}

/** Calls a tool and flattens its result to the text an agent reads and the structured content. */
export async function call(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<ToolReply> {
  const result = await client.callTool({ name, arguments: args });
  const content = (result.content ?? []) as Array<{ type: string; text?: string }>;
  return {
    isError: result.isError === true,
    text: content.map((block) => block.text ?? '').join('\n'),
    structured: result.structuredContent,
  };
}

/** What a user would answer: the passing answer of the question's topic, or of its stage's gap. */
export function answerFor(question: QuestionView): string {
  const key = question.topicId ?? `gap:${question.stageId}`;
  return ANSWERS.get(key) ?? 'Nothing to add to what was said before.';
}

/**
 * Plays the agent: relays each pending question (checking the text asks for it verbatim, with
 * the ids to pass back) and answers it, until the session is completed. Returns the last reply.
 */
export async function answerUntilCompleted(client: Client, sessionId: string): Promise<ToolReply> {
  let reply = await call(client, 'get_pending_question', { sessionId });
  for (let turn = 0; turn < 60 && reply.structured.status === 'active'; turn++) {
    const question = reply.structured.question as QuestionView;
    expect(reply.text).toContain(question.text);
    expect(reply.text).toContain(`questionId "${question.id}"`);
    reply = await call(client, 'answer_question', {
      sessionId,
      questionId: question.id,
      answer: answerFor(question),
    });
    expect(reply.isError, reply.text).toBe(false);
  }
  expect(reply.structured.status).toBe('completed');
  return reply;
}
