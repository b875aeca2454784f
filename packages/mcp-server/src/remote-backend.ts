import { ERROR_CODES, type ErrorCode, type ErrorDetail, UaipError } from '@uaip/core';
import type { AnswerReply, SessionPage, UaipBackend, WorkflowInfo } from './backend';

/** Options of {@link remoteBackend}. */
export interface RemoteBackendOptions {
  /** The uaip server's base URL, e.g. `https://uaip.example.com` (the API is under `/api/v1`). */
  url: string;
  /** A bearer token of the user the agent acts for (`POST /api/v1/auth/login` gives one). */
  token: string;
  /** @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
}

/** The uaip server could not be reached, or answered with something that is not the API. */
export class UaipUnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UaipUnreachableError';
  }
}

/**
 * The backend of a uaip server reached over its HTTP API with a bearer token: what the
 * `uaip-mcp` command uses. The server's error responses become `UaipError`s with the same
 * code and message.
 *
 * @example
 * ```ts
 * const backend = remoteBackend({ url: 'http://127.0.0.1:3000', token: process.env.UAIP_TOKEN! });
 * ```
 */
export function remoteBackend(options: RemoteBackendOptions): UaipBackend {
  const base = `${options.url.replace(/\/+$/, '')}/api/v1`;
  const fetch = options.fetch ?? globalThis.fetch;

  async function call(
    method: string,
    path: string,
    init: { body?: unknown; headers?: Record<string, string>; text?: boolean } = {},
  ): Promise<unknown> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${options.token}`,
      accept: init.text ? 'text/markdown' : 'application/json',
      ...init.headers,
    };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers,
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    } catch (error) {
      throw new UaipUnreachableError(
        `Could not reach the uaip server at ${options.url}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const text = await response.text();
    if (response.ok) {
      if (init.text) return text;
      return parse(text, response.status);
    }
    throw errorOf(parse(text, response.status), response);
  }

  function parse(text: string, status: number): unknown {
    try {
      return JSON.parse(text);
    } catch {
      throw new UaipUnreachableError(
        `The uaip server at ${options.url} answered ${status} with a body that is not JSON; is UAIP_URL the server's base URL?`,
      );
    }
  }

  const id = (sessionId: string) => encodeURIComponent(sessionId);

  return {
    async workflows() {
      const { items } = (await call('GET', '/workflows')) as { items: WorkflowInfo[] };
      return items;
    },
    start: async (input) => (await call('POST', '/sessions', { body: input })) as never,
    get: async (sessionId) => (await call('GET', `/sessions/${id(sessionId)}`)) as never,
    async list(input) {
      const query = new URLSearchParams();
      if (input.limit !== undefined) query.set('limit', String(input.limit));
      if (input.cursor) query.set('cursor', input.cursor);
      const suffix = query.size > 0 ? `?${query}` : '';
      return (await call('GET', `/sessions${suffix}`)) as SessionPage;
    },
    async answer(sessionId, input, idempotencyKey) {
      return (await call('POST', `/sessions/${id(sessionId)}/answers`, {
        body: input,
        headers: { 'idempotency-key': idempotencyKey },
      })) as AnswerReply;
    },
    charter: (sessionId, format) =>
      call(
        'GET',
        `/sessions/${id(sessionId)}/charter?format=${format === 'json' ? 'json' : 'md'}`,
        {
          text: format === 'markdown',
        },
      ),
  };
}

/** The contract's error body as a `UaipError`; anything else means this is not a uaip server. */
function errorOf(body: unknown, response: Response): Error {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } })
    ?.error;
  if (!error || !ERROR_CODES.includes(error.code as ErrorCode)) {
    return new UaipUnreachableError(
      `The uaip server answered ${response.status} without the API's error body; is UAIP_URL the server's base URL?`,
    );
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  return new UaipError(error.code as ErrorCode, String(error.message ?? error.code), {
    ...(Array.isArray(error.details) ? { details: error.details as ErrorDetail[] } : {}),
    ...(retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
  });
}
