import { UaipError } from '@uaip/core';
import type { Middleware } from 'koa';
import { toErrorResponse } from './error-response';
import type { HttpLogger } from './logging';

/**
 * The one error middleware: everything thrown below it becomes the contract's error body with
 * the status of its code. Errors of the HTTP plumbing (bad JSON, body too large, koa-jwt's
 * 401, a wrong method) are translated to their codes first; anything unexpected is logged with
 * its stack and answered with a bare `internal` error.
 */
export function errorMiddleware(logger: HttpLogger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (thrown) {
      const error = translate(thrown);
      const response = toErrorResponse(error, String(ctx.state.requestId ?? ''));
      if (response.status >= 500) {
        logger.error({ requestId: ctx.state.requestId, err: thrown }, 'request failed');
      }
      ctx.status = response.status;
      ctx.body = response.body;
      if (response.retryAfterSeconds !== undefined)
        ctx.set('Retry-After', String(response.retryAfterSeconds));
      if (error.code === 'storage_unavailable' && response.retryAfterSeconds === undefined)
        ctx.set('Retry-After', '1');
      if (error.code === 'unauthorized') ctx.set('WWW-Authenticate', 'Bearer');
    }
  };
}

function translate(thrown: unknown): UaipError {
  if (UaipError.isInstance(thrown)) return thrown;
  const status = (thrown as { status?: unknown })?.status;
  const type = (thrown as { type?: unknown })?.type;
  if (status === 401) return new UaipError('unauthorized', 'A valid bearer token is required');
  if (status === 413 || type === 'entity.too.large')
    return new UaipError('payload_too_large', 'The body is too large');
  if (status === 415)
    return new UaipError('unsupported_media_type', 'Send the body as application/json');
  if (status === 405 || status === 501)
    return new UaipError('method_not_allowed', 'This path does not serve this method');
  if (status === 400 && type === 'entity.parse.failed')
    return new UaipError('validation_failed', 'The body is not valid JSON');
  if (status === 400 || type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new UaipError('validation_failed', 'The request body could not be read');
  }
  return new UaipError('internal', 'Internal server error', { cause: thrown });
}
