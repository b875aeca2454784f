import {
  type AnswerOptions,
  type ErrorCode,
  type Principal,
  parseInput,
  UaipError,
} from '@uaip/core';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';

/** One route of the API: its contract (for the router, the OpenAPI document, the tests) and handler. */
export interface RouteSpec {
  method: 'get' | 'post' | 'patch' | 'delete';
  /**
   * Relative to the router's prefix, with `:id` for a session id, `:turnId` for a turn's and
   * `:userId` for a member's.
   */
  path: string;
  operationId: string;
  summary: string;
  /** Needs a bearer token. */
  auth: boolean;
  /** Counts against the per-user LLM limit. */
  spendsLlm?: boolean;
  /** Counts against the per-user import limit (`importsPerHour`), before its body is read. */
  importsSession?: boolean;
  /** Takes an optional `Idempotency-Key` header (handled by `withTurnOptions`, which a route calls). */
  idempotent?: boolean;
  body?: z.ZodType;
  /** This route's own body limit, when it takes more than the router's (`bodyLimitBytes`). */
  bodyLimitBytes?: number;
  /** The query parameters the route takes; any other is refused (400). */
  query?: z.ZodObject;
  /** Success responses: status → description and body schema (or a content type). */
  responses: Record<number, { description: string; schema?: z.ZodType; contentTypes?: string[] }>;
  /** The error codes this route can answer with (besides the ones every route can). */
  errors: ErrorCode[];
  /** Serves the request. */
  handle(ctx: Context): Promise<void>;
}

/** The query of a list: a page size, and the `nextCursor` of the previous page. */
export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .min(1)
    .max(500)
    // What the storages write (base64url without padding); anything else names no page.
    .regex(/^[A-Za-z0-9_-]+$/, 'Not a cursor of this API')
    .meta({ description: 'The `nextCursor` of the previous page, as it was returned.' })
    .optional(),
});

/** Who is calling: set by the router's authentication before any route that needs it. */
export const principalOf = (ctx: Context): Principal => ctx.state.principal as Principal;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The `:id` of the path; an id that is not a UUID names no session, so it is a 404. */
export function sessionIdOf(ctx: Context): string {
  const id = String((ctx as Context & { params?: Record<string, string> }).params?.id ?? '');
  if (!UUID.test(id)) throw new UaipError('not_found', 'Session not found');
  return id;
}

/** The longest turn id a turn can have (the `turnId` limit of the core's revision input). */
const MAX_TURN_ID_LENGTH = 200;

/** The `:turnId` of the path; one longer than any turn id names no turn, so it is a 404. */
export function turnIdOf(ctx: Context): string {
  const id = String((ctx as Context & { params?: Record<string, string> }).params?.turnId ?? '');
  if (id === '' || [...id].length > MAX_TURN_ID_LENGTH)
    throw new UaipError('not_found', 'Turn not found');
  return id;
}

/** The longest user id a member can have (the `userId` limit of the core's share input). */
const MAX_USER_ID_LENGTH = 200;

/**
 * The `:userId` of the path: one that no user id can be (empty, too long, a NUL) names no
 * member, so it is a 404 rather than a 400 about a path.
 */
export function memberIdOf(ctx: Context): string {
  const id = String((ctx as Context & { params?: Record<string, string> }).params?.userId ?? '');
  if (id === '' || id.includes('\u0000') || [...id].length > MAX_USER_ID_LENGTH)
    throw new UaipError('not_found', 'This session is not shared with that user');
  return id;
}

/**
 * Runs a turn with the request's `Idempotency-Key` header, if any, and a signal that aborts
 * when the client hangs up: its LLM calls stop, and the session stays as it was.
 */
export async function withTurnOptions<T>(
  ctx: Context,
  run: (options: AnswerOptions) => Promise<T>,
): Promise<T> {
  const key = ctx.headers['idempotency-key'];
  const abort = new AbortController();
  const onClose = () => {
    if (!ctx.res.writableEnded) abort.abort(new Error('client closed the connection'));
  };
  ctx.req.on('close', onClose);
  try {
    return await run(
      typeof key === 'string'
        ? { idempotencyKey: key, signal: abort.signal }
        : { signal: abort.signal },
    );
  } finally {
    ctx.req.off('close', onClose);
  }
}

/** The parsed JSON body. */
export function bodyOf<T>(ctx: Context, schema: z.ZodType<T>): T {
  return parseInput(schema, (ctx.request as { body?: unknown }).body ?? {});
}

/** The JSON body as sent (`{}` when there is none), for a core method that validates it itself. */
export function rawBodyOf(ctx: Context): unknown {
  return (ctx.request as { body?: unknown }).body ?? {};
}

/** The parsed query string (first value of each parameter). */
export function queryOf<T>(ctx: Context, schema: z.ZodType<T>): T {
  const query = Object.fromEntries(
    Object.entries(ctx.query).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]),
  );
  return parseInput(schema, query);
}

/**
 * Refuses query parameters the route does not take, naming each in `details`: a misspelt
 * `limt=5` would otherwise be ignored without a word, and the OpenAPI document lists every
 * parameter a route reads.
 */
export function onlyKnownQuery(spec: RouteSpec): Middleware {
  const known = new Set(Object.keys(spec.query?.shape ?? {}));
  return async (ctx, next) => {
    const unknown = Object.keys(ctx.query).filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new UaipError('validation_failed', 'The request is not valid', {
        details: unknown.map((name) => ({ path: name, message: 'Unknown query parameter' })),
      });
    }
    await next();
  };
}
