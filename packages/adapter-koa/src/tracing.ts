// Types only: `@opentelemetry/api` is an optional peer, so nothing of it may load at run time.
import type { Attributes, SpanKind, SpanStatusCode, Tracer } from '@opentelemetry/api';
import type { Middleware } from 'koa';

// The api's enums are run-time values, which this file may not import; their numbers are stable.
const SERVER: SpanKind.SERVER = 1;
const ERROR: SpanStatusCode.ERROR = 2;

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE']);

/**
 * A SERVER span per request, by the HTTP semantic conventions: named `{method} {route}` once
 * the route is known (`POST /api/v1/sessions/:id/answers`), made active around the rest of the
 * app so the orchestrator's turn spans are its children. It records the method, the route,
 * the path (never the query string or a header, where tokens travel) and the status; a 5xx is
 * an error, a 4xx the client's.
 */
export function requestSpans(tracer: Tracer): Middleware {
  return (ctx, next) => {
    const method = METHODS.has(ctx.method) ? ctx.method : '_OTHER';
    const attributes: Attributes = {
      'http.request.method': method,
      'url.path': ctx.path,
      'url.scheme': ctx.protocol,
      'network.protocol.version': ctx.req.httpVersion,
    };
    const name = method === '_OTHER' ? 'HTTP' : method;
    return tracer.startActiveSpan(name, { kind: SERVER, attributes }, async (span) => {
      try {
        await next();
        span.setAttribute('http.response.status_code', ctx.status);
        if (ctx.status >= 500) {
          span.setAttribute('error.type', String(ctx.status));
          span.setStatus({ code: ERROR });
        }
      } catch (error) {
        // Only what escaped the error middleware, which answers everything else itself.
        span.setAttribute('error.type', error instanceof Error ? error.name : '_OTHER');
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: ERROR });
        throw error;
      } finally {
        // `ctx.state.route` is "METHOD /template", set by the route that matched.
        const route = typeof ctx.state.route === 'string' ? ctx.state.route : undefined;
        if (route) {
          const template = route.slice(route.indexOf(' ') + 1);
          span.updateName(`${name} ${template}`);
          span.setAttribute('http.route', template);
        }
        span.end();
      }
    });
  };
}
