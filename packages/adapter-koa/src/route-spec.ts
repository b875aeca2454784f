import { type ErrorCode, parseInput, UaipError } from '@uaip/core';
import type { Context, Middleware } from 'koa';
import type { z } from 'zod';

/** One route of the API: its contract (for the router, the OpenAPI document, the tests) and handler. */
export interface RouteSpec {
  method: 'get' | 'post' | 'delete';
  /** Relative to the router's prefix, with `:id` for a session id. */
  path: string;
  operationId: string;
  summary: string;
  /** Needs a bearer token. */
  auth: boolean;
  /** Counts against the per-user LLM limit. */
  spendsLlm?: boolean;
  body?: z.ZodType;
  /** The query parameters the route takes; any other is refused (400). */
  query?: z.ZodObject;
  /** Success responses: status → description and body schema (or a content type). */
  responses: Record<number, { description: string; schema?: z.ZodType; contentTypes?: string[] }>;
  /** The error codes this route can answer with (besides the ones every route can). */
  errors: ErrorCode[];
  /** Serves the request. */
  handle(ctx: Context): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The `:id` of the path; an id that is not a UUID names no session, so it is a 404. */
export function sessionIdOf(ctx: Context): string {
  const id = String((ctx as Context & { params?: Record<string, string> }).params?.id ?? '');
  if (!UUID.test(id)) throw new UaipError('not_found', 'Session not found');
  return id;
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
