import { createServer, type Server } from 'node:http';
import type Koa from 'koa';

/** Options of {@link createHttpServer}: how long a client may take, and how many may connect. */
export interface HttpServerOptions {
  /**
   * The request line and headers must arrive within this time, counted from the first byte
   * (or from the connection, when it sends nothing); else Node answers 408 and closes.
   * @default 10000
   */
  headersTimeoutMs?: number;
  /**
   * The whole request, body included, must arrive within this time. Only receiving counts:
   * a response that takes longer (an LLM call, an event stream open for hours) is not cut.
   * At least `headersTimeoutMs` (Node throws otherwise); 0 turns it off, as it does the others.
   * @default 30000
   */
  requestTimeoutMs?: number;
  /** An idle keep-alive connection is closed after this time without a new request. @default 5000 */
  keepAliveTimeoutMs?: number;
  /**
   * Open connections at most (event streams included); past it, a new connection is closed at
   * once without an answer. Keep it under the process's file descriptor limit.
   * @default 1000
   */
  maxConnections?: number;
  /**
   * How often Node looks for requests past their timeouts. Node's own default, 30 s, would let
   * a slow client keep its connection that much longer than the timeouts say.
   * @default a quarter of the shorter timeout, at most 1000
   */
  connectionsCheckingIntervalMs?: number;
}

/** The limits {@link createHttpServer} applies when an option is left out. */
export const HTTP_SERVER_DEFAULTS = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1000,
} as const satisfies HttpServerOptions;

/**
 * An `http.Server` for a Koa app with limits on slow and idle clients: Node's defaults let a
 * client hold a connection for a minute by sending its headers slowly, and any number of them.
 * The timeouts cover receiving requests only, so event streams and long answers stay open.
 * Call `listen` on it as on `app.listen()`'s server.
 *
 * @example
 * ```ts
 * const { app } = createKoaApp({ orchestrator, accounts });
 * createHttpServer(app, { maxConnections: 500 }).listen(3000);
 * ```
 */
export function createHttpServer(app: Koa, options: HttpServerOptions = {}): Server {
  const headersTimeout = options.headersTimeoutMs ?? HTTP_SERVER_DEFAULTS.headersTimeoutMs;
  const requestTimeout = options.requestTimeoutMs ?? HTTP_SERVER_DEFAULTS.requestTimeoutMs;
  // 0 turns a timeout off, as in Node; the check then follows the one that is left.
  const shortest = Math.min(...[headersTimeout, requestTimeout].filter((ms) => ms > 0), 4000);
  const server = createServer(
    {
      headersTimeout,
      requestTimeout,
      // A timeout is enforced up to one interval late: a quarter of the shortest keeps that small.
      connectionsCheckingInterval:
        options.connectionsCheckingIntervalMs ?? Math.max(1, Math.floor(shortest / 4)),
    },
    app.callback(),
  );
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? HTTP_SERVER_DEFAULTS.keepAliveTimeoutMs;
  server.maxConnections = options.maxConnections ?? HTTP_SERVER_DEFAULTS.maxConnections;
  return server;
}
