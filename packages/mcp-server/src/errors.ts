import type { CallToolResult } from '@modelcontextprotocol/server';
import { type ErrorCode, UaipError } from '@uaip/core';
import { UaipUnreachableError } from './remote-backend';

/** What an agent can do about each refusal of uaip. */
const WHAT_TO_DO: Partial<Record<ErrorCode, string>> = {
  validation_failed: 'Correct the input and call again (an empty answer: ask the user again).',
  not_found:
    'No session of this user has that id. Call list_sessions to find it, or start_session to begin one.',
  conflict:
    'That question is no longer pending: it was answered already, or another answer is being scored. Call get_pending_question for the current question.',
  session_completed: 'The session is completed: call get_charter to read its charter.',
  invalid_state:
    'The charter is ready once every question is answered: call get_pending_question and carry on.',
  llm_unavailable:
    'The language model that scores answers is unavailable right now. The session is unchanged: send the same answer again later.',
  storage_unavailable: 'uaip cannot reach its database right now. Try again in a moment.',
  rate_limited: 'Too many requests for now. Wait, then call again.',
  budget_exceeded:
    'The cost cap of this session or user is reached. Tell the user; an operator can raise it.',
  unauthorized:
    'The uaip token is missing, expired or revoked. The user must sign in again and give this server a new token (UAIP_TOKEN).',
  forbidden: "This user's role on the session does not allow this.",
};

/**
 * A refusal of uaip as a tool result the agent can read and act on (`isError`, the code, the
 * message and what to do), not a protocol error: the call itself was well formed. Anything
 * else goes to `report` and the agent reads only a generic message (it may hold SQL text or a
 * stack the client must not see).
 */
export function toolError(error: unknown, report: (error: unknown) => void): CallToolResult {
  if (UaipError.isInstance(error)) {
    const details = (error.details ?? [])
      .map((detail) => `- ${detail.path || 'input'}: ${detail.message}`)
      .join('\n');
    const retry =
      error.retryAfterMs === undefined
        ? ''
        : ` Retry after ${Math.ceil(error.retryAfterMs / 1000)} s.`;
    const text = [
      `uaip refused (${error.code}): ${error.message}`,
      details,
      `${WHAT_TO_DO[error.code] ?? 'Try again later.'}${retry}`,
    ]
      .filter(Boolean)
      .join('\n');
    return { isError: true, content: [{ type: 'text', text }] };
  }
  if (error instanceof UaipUnreachableError) {
    return { isError: true, content: [{ type: 'text', text: error.message }] };
  }
  report(error);
  return {
    isError: true,
    content: [{ type: 'text', text: 'uaip failed unexpectedly. Try again later.' }],
  };
}
