import {
  type ListResourcesResult,
  type McpServer,
  ProtocolError,
  ProtocolErrorCode,
  type ReadResourceResult,
  ResourceNotFoundError,
  ResourceTemplate,
} from '@modelcontextprotocol/server';
import { UaipError } from '@uaip/core';
import type { UaipBackend } from './backend';

/** How many of the user's newest sessions the resource lists name. */
const LISTED = 100;

/**
 * The resources: `uaip://sessions/{id}` (a session as JSON, as the HTTP API returns it) and
 * `uaip://sessions/{id}/charter` (its AI Project Charter as Markdown, once completed).
 */
export function registerResources(
  server: McpServer,
  backend: UaipBackend,
  report: (error: unknown) => void,
): void {
  const read = async <T extends ReadResourceResult | ListResourcesResult>(
    uri: URL,
    body: () => Promise<T>,
  ): Promise<T> => {
    try {
      return await body();
    } catch (error) {
      throw protocolError(uri, error, report);
    }
  };
  // Listing has no URI of its own; its failures are hidden the same way (no storage text).
  const listing = (what: string, body: () => Promise<ListResourcesResult>) => () =>
    read(new URL(`uaip://sessions#${what}`), body);

  server.registerResource(
    'session',
    new ResourceTemplate('uaip://sessions/{id}', {
      list: listing('sessions', async () => {
        const { items } = await backend.list({ limit: LISTED });
        return {
          resources: items.map((session) => ({
            uri: `uaip://sessions/${session.id}`,
            name: session.title,
            description: `A ${session.workflowId} session, ${session.status}`,
            mimeType: 'application/json',
          })),
        };
      }),
    }),
    {
      title: 'Scoping session',
      description: 'A scoping session: its stages, artifacts, pending question and usage (JSON)',
      mimeType: 'application/json',
    },
    (uri, variables) =>
      read(uri, async () => {
        const session = await backend.get(String(variables.id));
        return {
          contents: [
            { uri: uri.href, mimeType: 'application/json', text: JSON.stringify(session, null, 2) },
          ],
        };
      }),
  );

  server.registerResource(
    'charter',
    new ResourceTemplate('uaip://sessions/{id}/charter', {
      list: listing('charters', async () => {
        const { items } = await backend.list({ limit: LISTED });
        return {
          resources: items
            .filter((session) => session.status === 'completed')
            .map((session) => ({
              uri: `uaip://sessions/${session.id}/charter`,
              name: `Charter: ${session.title}`,
              mimeType: 'text/markdown',
            })),
        };
      }),
    }),
    {
      title: 'AI Project Charter',
      description: 'The AI Project Charter of a completed session (Markdown)',
      mimeType: 'text/markdown',
    },
    (uri, variables) =>
      read(uri, async () => {
        const charter = await backend.charter(String(variables.id), 'markdown');
        return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: String(charter) }] };
      }),
  );
}

/**
 * A resource read has no error result: uaip's refusals become JSON-RPC errors, "not found"
 * with the SDK's own error (so clients recognise it), the rest with uaip's message.
 */
function protocolError(uri: URL, error: unknown, report: (error: unknown) => void): Error {
  if (UaipError.isInstance(error)) {
    if (error.code === 'not_found') return new ResourceNotFoundError(uri.href, error.message);
    return new ProtocolError(
      ProtocolErrorCode.InvalidRequest,
      `uaip refused (${error.code}): ${error.message}`,
      {
        code: error.code,
      },
    );
  }
  report(error);
  return new ProtocolError(ProtocolErrorCode.InternalError, 'uaip failed unexpectedly');
}
