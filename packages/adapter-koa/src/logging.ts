import type { Middleware } from 'koa';
import pino from 'pino';

/** The part of a pino logger the adapter uses. */
export interface HttpLogger {
  /** Logs at info level. */
  info(fields: object, message: string): void;
  /** Logs at warn level. */
  warn(fields: object, message: string): void;
  /** Logs at error level. */
  error(fields: object, message: string): void;
}

const SECRET_FIELDS = ['password', 'accessToken', 'authorization', 'cookie', 'apiKey', 'secret'];

/**
 * A pino logger that never writes secrets: authorization headers, cookies, passwords, tokens,
 * API keys and secrets are redacted at the top level of a logged object and two levels down.
 */
export function createLogger(
  options: { level?: string; destination?: pino.DestinationStream } = {},
): pino.Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: {
        // pino's `*.x` matches one level down only, so each field is listed at the top level,
        // one level down (`headers.authorization`, `user.password`) and two levels down.
        paths: SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
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
