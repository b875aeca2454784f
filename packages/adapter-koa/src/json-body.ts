import { bodyParser } from '@koa/bodyparser';
import { UaipError } from '@uaip/core';
import type { Context, Middleware } from 'koa';

/** The body limit of the contract: 64 KiB. */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Reads JSON bodies only, up to `limitBytes` (413 past it, at once when `Content-Length` says
 * so); any other content type of a request that has a body is a 415; malformed JSON, or a body
 * that its `Content-Encoding` cannot decode, is a 400 (translated by the error middleware).
 */
export function jsonBody(limitBytes: number): Middleware {
  // `+json` media types (e.g. application/merge-patch+json) are JSON too: parse them, not drop them.
  const parse = bodyParser({
    enableTypes: ['json'],
    // Merged by index into the defaults: keep application/json first.
    extendTypes: { json: ['application/json', '+json'] },
    jsonLimit: limitBytes,
    jsonStrict: true,
  });
  return async (ctx, next) => {
    const hasBody =
      Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '';
    if (hasBody && !ctx.is('application/json', '+json')) {
      throw new UaipError('unsupported_media_type', 'Send the body as application/json');
    }
    // Refused before a byte is read. The reader would do it too, but it takes the length as a
    // 32-bit integer: 2^31 turned negative (no limit: it waited for 2 GiB that never came) and
    // 2^32 + 10 turned into 10. Node's parser has checked that the header is digits only.
    if (Number(ctx.get('content-length') || 0) > limitBytes) {
      drain(ctx);
      throw new UaipError('payload_too_large', `The body is over ${limitBytes} bytes`);
    }
    let read = false;
    try {
      await parse(ctx, async () => {
        read = true;
        await next();
      });
    } catch (error) {
      if (read) throw error;
      drain(ctx);
      throw unreadable(error);
    }
  };
}

/**
 * The body reader stops at the first error (past the limit, say) and leaves the rest of the body
 * unread and paused, so the next request on this keep-alive connection would never be parsed.
 * Discard the rest, as Node does itself for a body no one reads.
 */
function drain(ctx: Context): void {
  if (ctx.req.complete) return;
  ctx.req.unpipe();
  ctx.req.resume();
}

/**
 * An error while reading: the body reader's own errors carry their HTTP status; one without
 * (zlib's, for a body its `Content-Encoding` cannot decode) is the client's unreadable body,
 * a 400 rather than a 500.
 */
function unreadable(error: unknown): unknown {
  const status = (error as { status?: unknown })?.status;
  if (UaipError.isInstance(error) || typeof status === 'number') return error;
  return new UaipError('validation_failed', 'The request body could not be read', {
    cause: error,
  });
}
