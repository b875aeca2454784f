import {
  createMcpHandler,
  hostHeaderValidationResponse,
  localhostAllowedHostnames,
  originValidationResponse,
} from '@modelcontextprotocol/server';
import type { Orchestrator, Principal } from '@uaip/core';
import { createUaipMcpServer } from './server';

/** Options of {@link createUaipMcpEndpoint}. */
export interface UaipMcpEndpointOptions {
  orchestrator: Orchestrator;
  /** Errors that are not refusals of uaip; the client gets a generic message. */
  onError?: (error: unknown) => void;
  /**
   * The hostnames the `Host` header may name (no ports), e.g. {@link LOCALHOST_HOSTNAMES} for
   * a server on loopback: any other is refused with 403, which defeats DNS rebinding (a page
   * on another site whose name was pointed at this address). @default any host
   */
  allowedHostnames?: string[];
  /**
   * The hostnames of the web origins whose pages may call the endpoint from a browser (a
   * request with another `Origin` header is refused with 403; one without, from a program,
   * is not). @default the allowed hostnames, else the request's own host
   */
  allowedOriginHostnames?: string[];
}

/** The names of this machine's loopback interface, for {@link UaipMcpEndpointOptions.allowedHostnames}. */
export const LOCALHOST_HOSTNAMES: readonly string[] = localhostAllowedHostnames();

/**
 * The streamable HTTP face of the MCP server, web-standard: `fetch(request, principal)`
 * answers one request as the signed-in user the host's own auth found. `createUaipRouter` and
 * `createKoaApp` of `@uaip/adapter-koa` mount it at `/api/v1/mcp` with their `mcp` option,
 * behind the API's bearer tokens and rate limits.
 */
export interface UaipMcpEndpoint {
  /** Answers one MCP request of `principal`. */
  fetch(request: Request, principal: Principal): Promise<Response>;
  /** Whether a request body calls a tool that spends LLM tokens (start_session, answer_question). */
  spendsLlm(body: unknown): boolean;
  /** Ends the requests in flight. */
  close(): Promise<void>;
}

/** The tools whose calls run the language model. */
const SPENDING_TOOLS = new Set(['start_session', 'answer_question']);

/**
 * The MCP server over HTTP for every user of an orchestrator. Each request gets a server of
 * its own for the request's user (the SDK's per-request handler: no MCP session is kept in
 * memory, so any instance behind a load balancer can answer any request, and a scoping
 * session lives on in uaip's storage between calls). Both protocol eras are served: the
 * 2026-07-28 revision and, for clients of the 2025 revisions, stateless streamable HTTP.
 *
 * @example
 * ```ts
 * const { app } = createKoaApp({ orchestrator, accounts, mcp: createUaipMcpEndpoint({ orchestrator }) });
 * ```
 */
export function createUaipMcpEndpoint(options: UaipMcpEndpointOptions): UaipMcpEndpoint {
  const onError = options.onError ?? (() => {});
  const handler = createMcpHandler(
    ({ authInfo }) => {
      const principal = authInfo?.extra?.principal as Principal | undefined;
      // The host's auth runs before this; a request without a principal never gets this far.
      if (!principal) throw new Error('createUaipMcpEndpoint: a request without a principal');
      return createUaipMcpServer({ orchestrator: options.orchestrator, principal, onError });
    },
    { onerror: onError },
  );
  const hosts = options.allowedHostnames;
  const origins = options.allowedOriginHostnames ?? hosts;
  return {
    async fetch(request, principal) {
      const refused =
        (hosts && hostHeaderValidationResponse(request, hosts)) ||
        originValidationResponse(request, origins ?? [new URL(request.url).hostname]);
      if (refused) return refused;
      return handler.fetch(request, {
        // Only the principal is passed on: the token was checked by the host already.
        authInfo: { token: '', clientId: principal.userId, scopes: [], extra: { principal } },
      });
    },
    spendsLlm: (body) =>
      (Array.isArray(body) ? body : [body]).some(
        (message) =>
          (message as { method?: unknown })?.method === 'tools/call' &&
          SPENDING_TOOLS.has(String((message as { params?: { name?: unknown } }).params?.name)),
      ),
    close: () => handler.close(),
  };
}
