import { bodyParser } from '@koa/bodyparser';
import { UaipError } from '@uaip/core';
import type { Middleware } from 'koa';

/**
 * Reads JSON bodies only, up to `limitBytes` (413 past it); any other content type of a request
 * that has a body is a 415; malformed JSON is a 400 (translated by the error middleware).
 */
export function jsonBody(limitBytes: number): Middleware {
  const parse = bodyParser({ enableTypes: ['json'], jsonLimit: limitBytes, jsonStrict: true });
  return async (ctx, next) => {
    const hasBody =
      Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '';
    if (hasBody && !ctx.is('application/json', '+json')) {
      throw new UaipError('unsupported_media_type', 'Send the body as application/json');
    }
    await parse(ctx, next);
  };
}
