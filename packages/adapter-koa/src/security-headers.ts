import type { Middleware } from 'koa';

/** The API's default CSP: it serves data, never pages. Routes serving a page set their own. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** nosniff, no referrer, no framing, and a CSP unless a route set one. */
export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
    await next();
    if (!ctx.response.get('Content-Security-Policy')) ctx.set('Content-Security-Policy', API_CSP);
    ctx.remove('X-Powered-By');
  };
}
