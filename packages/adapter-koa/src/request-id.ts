import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';

const SAFE_ID = /^[\w.-]{1,128}$/;

/**
 * Gives every request an id, kept from a well-formed `X-Request-Id` header (so a proxy's id
 * follows the request) or made up, and echoes it on every response.
 */
export function requestId(): Middleware {
  return async (ctx, next) => {
    const given = ctx.get('x-request-id');
    const id = SAFE_ID.test(given) ? given : randomUUID();
    ctx.state.requestId = id;
    ctx.set('X-Request-Id', id);
    await next();
  };
}
