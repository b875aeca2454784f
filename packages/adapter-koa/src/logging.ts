import type { Middleware } from 'koa';
import pino from 'pino';

/** The part of a pino logger the adapter uses. */
export interface HttpLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * A pino logger that never writes secrets: authorization headers, cookies, passwords and
 * tokens are redacted wherever they appear.
 */
export function createLogger(
  options: { level?: string; destination?: pino.DestinationStream } = {},
): pino.Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: {
        paths: [
          '*.password',
          '*.accessToken',
          '*.authorization',
          '*.cookie',
          'headers.authorization',
          'headers.cookie',
          '*.apiKey',
          '*.secret',
        ],
        censor: '[redacted]',
      },
    },
    options.destination,
  );
}

/** One JSON line per request: id, method, path, route, status, duration, user; never a body. */
export function requestLog(logger: HttpLogger): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      logger.info(
        {
          requestId: ctx.state.requestId,
          method: ctx.method,
          path: ctx.path,
          route: ctx.state.route ?? null,
          status: ctx.status,
          durationMs: Math.round((performance.now() - started) * 100) / 100,
          userId: ctx.state.principal?.userId ?? null,
        },
        'request',
      );
    }
  };
}
