import type { Middleware } from 'koa';

/** The demo page at `/` (served once the web component is built). */
export function demoPage(_options: { demo: boolean }): Middleware {
  return async (_ctx, next) => {
    await next();
  };
}
