import type { ServerResponse } from 'node:http';
import type { Middleware } from 'koa';

/** Counts requests in flight, so a shutdown can let them finish; event streams are ended instead. */
export function trackRequests() {
  let active = 0;
  const streams = new Set<ServerResponse>();
  const waiters = new Set<() => void>();
  const middleware: Middleware = async (ctx, next) => {
    // An event stream never finishes by itself: it is ended at shutdown, not waited for.
    if (ctx.path.endsWith('/events')) {
      streams.add(ctx.res);
      ctx.res.once('close', () => streams.delete(ctx.res));
      return next();
    }
    active += 1;
    // Counted until the response is written out, not just computed: Koa writes it after the
    // middleware returns, and closing the sockets before that would cut it off.
    ctx.res.once('close', () => {
      active -= 1;
      if (active === 0) for (const wake of waiters) wake();
    });
    await next();
  };
  return {
    middleware,
    endStreams() {
      for (const stream of streams) stream.end();
    },
    /** Resolves when no request is in flight, or after `timeoutMs`. */
    drained(timeoutMs: number): Promise<void> {
      if (active === 0) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(done, timeoutMs);
        function done() {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        }
        waiters.add(done);
      });
    },
  };
}
