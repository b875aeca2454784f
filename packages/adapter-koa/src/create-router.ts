import Router from '@koa/router';
import { type Orchestrator, type PasswordAuth, type Principal, UaipError } from '@uaip/core';
import type { Context, Middleware } from 'koa';
import compose from 'koa-compose';
import koaJwt from 'koa-jwt';
import { errorMiddleware } from './error-middleware';
import { DEFAULT_BODY_LIMIT_BYTES, jsonBody } from './json-body';
import type { HttpLogger } from './logging';
import { type McpEndpoint, mcpHandler } from './mcp-route';
import { createRateLimits, type RateLimitOptions, type RateLimits } from './rate-limits';
import { requestId } from './request-id';
import { onlyKnownQuery, type RouteSpec } from './route-spec';
import { routeSpecs } from './routes';

/** Options of {@link createUaipRouter}. */
export interface UaipRouterOptions {
  orchestrator: Orchestrator;
  /**
   * The accounts the router manages (register, login, me) and whose tokens it verifies with
   * koa-jwt. Give this or `authenticate`.
   */
  accounts?: PasswordAuth;
  /** A host's own identity: the principal of a request, or null (401). */
  authenticate?: (ctx: Context) => Promise<Principal | null>;
  /** Where the API lives. @default '/api/v1' */
  prefix?: string;
  /** @default the contract's limits, counted in memory */
  rateLimits?: RateLimitOptions | RateLimits;
  /** Largest JSON body. @default 65536 */
  bodyLimitBytes?: number;
  /** Interval of the `: ping` comment on event streams. @default 15000 */
  heartbeatMs?: number;
  logger?: HttpLogger;
  /**
   * An MCP endpoint to serve at `<prefix>/mcp` (POST, GET, DELETE), behind the same bearer
   * tokens and rate limits as the rest of the API. Not in the OpenAPI document: MCP clients
   * discover its tools themselves. @default none
   */
  mcp?: McpEndpoint;
}

/** The API as one Koa middleware, plus its route table. */
export interface UaipRouter {
  readonly prefix: string;
  /** Every route: method, path (with the prefix), whether it takes a session id, and its contract. */
  readonly routes: ReadonlyArray<RouteSpec & { fullPath: string }>;
  /**
   * Serves every route under the prefix, answering unknown paths with 404 and known paths with
   * a wrong method with 405 in the contract's error format; passes anything else on.
   */
  middleware(): Middleware;
}

const silent: HttpLogger = { info() {}, warn() {}, error() {} };

/**
 * The HTTP API of the contract, mountable in any Koa app under any prefix.
 *
 * @example
 * ```ts
 * const api = createUaipRouter({ orchestrator, accounts: createPasswordAuth({ storage, secret }) });
 * app.use(api.middleware());
 * ```
 */
export function createUaipRouter(options: UaipRouterOptions): UaipRouter {
  if (!options.accounts === !options.authenticate) {
    throw new TypeError('createUaipRouter needs exactly one of `accounts` or `authenticate`');
  }
  const prefix = (options.prefix ?? '/api/v1').replace(/\/+$/, '');
  const logger = options.logger ?? silent;
  const rateLimits = isRateLimits(options.rateLimits)
    ? options.rateLimits
    : createRateLimits(options.rateLimits);
  const specs = routeSpecs({
    orchestrator: options.orchestrator,
    ...(options.accounts ? { accounts: options.accounts } : {}),
    rateLimits,
    heartbeatMs: options.heartbeatMs ?? 15_000,
  });
  const authenticate = authenticator(options);
  const bodyLimitBytes = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const body = jsonBody(bodyLimitBytes);
  const router = new Router({ prefix });
  for (const spec of specs) {
    const chain: Middleware[] = [
      async (ctx, next) => {
        ctx.state.route = `${spec.method.toUpperCase()} ${prefix}${spec.path}`;
        await next();
      },
      spec.auth
        ? signedInOnly(
            authenticate,
            rateLimits,
            spec.spendsLlm ?? false,
            spec.importsSession ?? false,
          )
        : async (ctx, next) => {
            await rateLimits.anonymous(ctx);
            await next();
          },
      ...(spec.body ? [bodyOfRoute(spec, bodyLimitBytes, body)] : []),
      onlyKnownQuery(spec),
      (ctx) => spec.handle(ctx),
    ];
    router[spec.method](spec.path, compose(chain) as never);
  }
  const mcp = options.mcp;
  if (mcp) {
    const route = async (ctx: Context, next: () => Promise<unknown>) => {
      ctx.state.route = `${ctx.method} ${prefix}/mcp`;
      await next();
    };
    // Authenticated before its body is read; whether it spends LLM tokens is known only from
    // the body (a tool call that scores an answer), so it is counted after. A JSON-RPC batch
    // (older protocol versions allow one) counts once per message, so a hundred answers in one
    // POST cost what a hundred POSTs do.
    const limit: Middleware = async (ctx, next) => {
      const body = (ctx.request as { body?: unknown }).body;
      for (const message of Array.isArray(body) && body.length > 0 ? body : [body]) {
        await rateLimits.signedIn(ctx, mcp.spendsLlm?.(message) ?? false);
      }
      await next();
    };
    const chain = compose([
      route,
      authenticatedOnly(authenticate, rateLimits),
      body,
      limit,
      mcpHandler(mcp),
    ]);
    for (const method of ['get', 'post', 'delete'] as const) router[method]('/mcp', chain as never);
  }

  const handle = compose([
    requestIdIfMissing,
    errorMiddleware(logger),
    async (ctx: Context, next: () => Promise<unknown>) => {
      await next();
      if (ctx.body !== undefined) return;
      // A known path with another method: allowedMethods set 405 (or 501) and the Allow header.
      if (ctx.status === 405 || ctx.status === 501) {
        throw new UaipError('method_not_allowed', 'This path does not serve this method');
      }
      if (ctx.status === 404) throw new UaipError('not_found', 'No such route');
    },
    router.routes() as unknown as Middleware,
    router.allowedMethods() as unknown as Middleware,
  ]);

  return {
    prefix,
    routes: specs.map((spec) => ({ ...spec, fullPath: `${prefix}${spec.path}` })),
    middleware: () => async (ctx, next) => {
      if (ctx.path !== prefix && !ctx.path.startsWith(`${prefix}/`)) return next();
      await handle(ctx, async () => {});
    },
  };
}

/** The router's body reader, or the route's own when it takes more (an import). */
function bodyOfRoute(spec: RouteSpec, routerLimit: number, body: Middleware): Middleware {
  const own = spec.bodyLimitBytes;
  return own !== undefined && own > routerLimit ? jsonBody(own) : body;
}

const ownRequestId = requestId();
const requestIdIfMissing: Middleware = async (ctx, next) => {
  if (ctx.state.requestId) return next();
  await ownRequestId(ctx, next);
};

function isRateLimits(value: UaipRouterOptions['rateLimits']): value is RateLimits {
  return typeof value === 'object' && value !== null && 'loginGuard' in value;
}

type Authenticate = (ctx: Context) => Promise<void>;

/**
 * Authenticates, then counts the request as signed-in traffic. A request whose token is
 * missing or refused counts against its address's anonymous limit instead: it must never
 * drain the global limit that signed-in users share.
 */
function signedInOnly(
  authenticate: Authenticate,
  rateLimits: RateLimits,
  spendsLlm: boolean,
  importsSession: boolean,
): Middleware {
  return compose([
    authenticatedOnly(authenticate, rateLimits),
    async (ctx, next) => {
      await rateLimits.signedIn(ctx, spendsLlm, importsSession);
      await next();
    },
  ]);
}

/** Authenticates; a refused request counts against its address's anonymous limit. */
function authenticatedOnly(authenticate: Authenticate, rateLimits: RateLimits): Middleware {
  return async (ctx, next) => {
    try {
      await authenticate(ctx);
    } catch (error) {
      if (isUnauthorized(error)) await rateLimits.anonymous(ctx);
      throw error;
    }
    await next();
  };
}

function isUnauthorized(error: unknown): boolean {
  if (UaipError.isInstance(error)) return error.code === 'unauthorized';
  // koa-jwt refuses with an http-errors 401.
  return (error as { status?: number } | null)?.status === 401;
}

/**
 * Sets `ctx.state.principal` or throws: koa-jwt over the accounts' tokens (algorithm pinned,
 * iss, aud, maxAge, exp, revocation), or the host's callback.
 */
function authenticator(options: UaipRouterOptions): Authenticate {
  const accounts = options.accounts;
  if (!accounts) {
    return async (ctx) => {
      const principal = await options.authenticate!(ctx);
      if (!principal) throw new UaipError('unauthorized', 'A valid bearer token is required');
      ctx.state.principal = principal;
    };
  }
  const verification = accounts.verification;
  const jwtOptions: koaJwt.Options = {
    // koa-jwt hands the secret to jsonwebtoken, which takes a KeyObject (its types say Buffer).
    secret: verification.secret as unknown as Buffer,
    algorithms: verification.algorithms,
    issuer: verification.issuer,
    audience: verification.audience,
    // koa-jwt hands its options to jsonwebtoken, which accepts a token without exp forever
    // unless maxAge is set (its types do not list it).
    ...({ maxAge: verification.maxAgeSeconds } as object),
    key: 'tokenClaims',
    debug: false,
    isRevoked: async (ctx, claims) => {
      try {
        const principal = await accounts.principalOf(claims);
        if (principal) ctx.state.principal = principal;
        return principal === null;
      } catch (error) {
        // A storage failure is not a bad token: keep it to answer 503, not 401.
        ctx.state.authFailure = error;
        return true;
      }
    },
  };
  const clock = verification.clock;
  if (clock) {
    // exp and maxAge are judged by the clock that issued the tokens, not the wall clock. A
    // getter: koa-jwt passes these options to jsonwebtoken, which reads them on every verify.
    Object.defineProperty(jwtOptions, 'clockTimestamp', {
      enumerable: true,
      get: () => Math.floor(clock.now() / 1000),
    });
  }
  const verify = koaJwt(jwtOptions);
  return async (ctx) => {
    try {
      await verify(ctx, async () => {});
    } catch (error) {
      if (ctx.state.authFailure) throw ctx.state.authFailure;
      throw error;
    }
  };
}
