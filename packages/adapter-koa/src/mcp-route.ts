import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { Principal } from '@uaip/core';
import type { Context, Middleware } from 'koa';

/**
 * An MCP endpoint, such as `createUaipMcpEndpoint` of `@uaip/mcp-server`, that the router
 * serves at `<prefix>/mcp` behind the API's own authentication and rate limits. Web-standard,
 * so the adapter needs no MCP code and the endpoint no Koa.
 */
export interface McpEndpoint {
  /** Answers one request of the signed-in `principal` (the JSON body, if any, already read). */
  fetch(request: Request, principal: Principal): Promise<Response>;
  /**
   * Whether the request with this JSON body spends LLM tokens (a tool call that scores an
   * answer): it then counts against the per-user LLM limit too. @default never
   */
  spendsLlm?(body: unknown): boolean;
}

/** The request as a web `Request`: its JSON body re-sent, aborted when the client hangs up. */
export function webRequest(ctx: Context): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(ctx.headers)) {
    // The body is re-serialised below: its length and encoding are no longer the client's.
    if (['content-length', 'content-encoding', 'transfer-encoding'].includes(name)) continue;
    for (const item of Array.isArray(value) ? value : [value ?? '']) headers.append(name, item);
  }
  const body = (ctx.request as { body?: unknown }).body;
  const hasBody = body !== undefined && ctx.method !== 'GET' && ctx.method !== 'HEAD';
  const aborted = new AbortController();
  ctx.res.once('close', () => aborted.abort());
  return new Request(new URL(ctx.originalUrl, `${ctx.protocol}://${ctx.host}`), {
    method: ctx.method,
    headers,
    signal: aborted.signal,
    ...(hasBody ? { body: JSON.stringify(body) } : {}),
  });
}

/** Writes a web `Response` through Koa, so logs, metrics and security headers still apply. */
export function sendResponse(ctx: Context, response: Response): void {
  ctx.status = response.status;
  response.headers.forEach((value, name) => {
    if (name !== 'content-length') ctx.set(name, value);
  });
  // An event stream (the SDK's SSE replies) is piped as it comes.
  ctx.body = response.body
    ? Readable.fromWeb(response.body as unknown as NodeReadableStream)
    : null;
}

/** The route's last step: the endpoint answers as the principal the auth step set. */
export function mcpHandler(endpoint: McpEndpoint): Middleware {
  return async (ctx) => {
    const response = await endpoint.fetch(webRequest(ctx), ctx.state.principal as Principal);
    sendResponse(ctx, response);
  };
}
