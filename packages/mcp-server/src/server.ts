import { McpServer } from '@modelcontextprotocol/server';
import type { Orchestrator, Principal } from '@uaip/core';
import type { UaipBackend } from './backend';
import { embeddedBackend } from './embedded-backend';
import { registerResources } from './resources';
import { registerTools } from './tools';

/** Options of {@link createUaipMcpServer}: a backend, or an orchestrator and its user. */
export type UaipMcpServerOptions = (
  | { backend: UaipBackend }
  | { orchestrator: Orchestrator; principal: Principal }
) & {
  /**
   * Errors that are not refusals of uaip (a bug, a storage failure): the agent gets a generic
   * message, this gets the error. @default nothing
   */
  onError?: (error: unknown) => void;
};

/** What the server tells a client about itself and the way its tools go together. */
export const UAIP_MCP_INSTRUCTIONS = [
  'uaip runs guided, quality-gated scoping sessions for AI projects: U-AIP asks questions in five stages and ends in an AI Project Charter.',
  'A session waits for a person. Relay each question to your user word for word and send their answer, in their words, with answer_question; never answer for them. A vague answer gets a follow-up question: relay it the same way.',
  'uaip keeps the session: with its id you can continue it in any later conversation (get_pending_question), list the sessions (list_sessions) and read the charter once it is completed (get_charter).',
].join(' ');

/** The server's name and version in the handshake. */
const SERVER_INFO = { name: 'uaip', version: '0.1.0' };

/**
 * An MCP server (the official SDK's `McpServer`) that runs uaip scoping sessions for one user
 * through tools (`list_workflows`, `start_session`, `get_pending_question`, `answer_question`,
 * `get_charter`, `list_sessions`) and resources (`uaip://sessions/{id}`,
 * `uaip://sessions/{id}/charter`). Connect it to any transport.
 *
 * @example
 * ```ts
 * import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
 *
 * const server = createUaipMcpServer({ orchestrator, principal: { userId: 'u1' } });
 * await server.connect(new StdioServerTransport());
 * ```
 */
export function createUaipMcpServer(options: UaipMcpServerOptions): McpServer {
  const backend =
    'backend' in options
      ? options.backend
      : embeddedBackend(options.orchestrator, options.principal);
  const report = options.onError ?? (() => {});
  const server = new McpServer(SERVER_INFO, {
    capabilities: { tools: {}, resources: {} },
    instructions: UAIP_MCP_INSTRUCTIONS,
  });
  registerTools(server, backend, report);
  registerResources(server, backend, report);
  return server;
}
