import { createHash } from 'node:crypto';
import { UaipError } from '@uaip/core';
import type { Context, Middleware } from 'koa';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';

/** Makes one limiter; the store (memory, Redis, PostgreSQL) is the caller's choice. */
export type RateLimitStore = (limiter: {
  keyPrefix: string;
  points: number;
  duration: number;
}) => RateLimiterAbstract;

/** Counters in this process only: for a single instance and for tests. */
export const memoryRateLimitStore = (): RateLimitStore => (options) =>
  new RateLimiterMemory(options);

/** Counters in Redis (an ioredis or node-redis client), shared by every instance. */
export const redisRateLimitStore =
  (client: unknown): RateLimitStore =>
  (options) =>
    new RateLimiterRedis({ ...options, storeClient: client });

/**
 * Counters in PostgreSQL (a `pg.Pool`), shared by every instance. The table is made on first
 * use, once per store; until it exists requests wait for it (rather than being refused), and a
 * failure to make it is a 503 for that request and retried on the next.
 */
export const postgresRateLimitStore = (
  pool: unknown,
  tableName = 'uaip_rate_limits',
): RateLimitStore => {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(tableName)) {
    throw new TypeError(`Invalid rate-limit table name "${tableName}"`);
  }
  const ready = tableMaker(pool as Queryable, tableName);
  return (options) =>
    new PostgresLimiter({ ...options, storeClient: pool, storeType: 'pool', tableName }, ready);
};

interface Queryable {
  query(sql: string): Promise<unknown>;
}

/** rate-limiter-flexible's own table, made by us: its constructor makes it in the background, refuses requests until then, and throws an unhandled rejection when that fails. */
function tableMaker(pool: Queryable, tableName: string): () => Promise<void> {
  let made: Promise<void> | undefined;
  return () => {
    made ??= pool
      .query(
        `CREATE TABLE IF NOT EXISTS "${tableName}" (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`,
      )
      .then(
        () => undefined,
        (error: { code?: string }) => {
          // 23505/42P07: another instance made it at the same moment.
          if (error?.code === '23505' || error?.code === '42P07') return;
          made = undefined;
          throw error;
        },
      );
    return made;
  };
}

type PostgresLimiterOptions = ConstructorParameters<typeof RateLimiterPostgres>[0];

/** A RateLimiterPostgres whose every call first waits for the table. */
class PostgresLimiter extends RateLimiterPostgres {
  readonly #ready: () => Promise<void>;

  constructor(options: PostgresLimiterOptions, ready: () => Promise<void>) {
    super({ ...options, tableCreated: true });
    this.#ready = ready;
  }

  override async consume(...args: Parameters<RateLimiterPostgres['consume']>) {
    await this.#ready();
    return super.consume(...args);
  }

  override async get(...args: Parameters<RateLimiterPostgres['get']>) {
    await this.#ready();
    return super.get(...args);
  }

  override async delete(...args: Parameters<RateLimiterPostgres['delete']>) {
    await this.#ready();
    return super.delete(...args);
  }

  override async penalty(...args: Parameters<RateLimiterPostgres['penalty']>) {
    await this.#ready();
    return super.penalty(...args);
  }

  override async reward(...args: Parameters<RateLimiterPostgres['reward']>) {
    await this.#ready();
    return super.reward(...args);
  }

  override async set(...args: Parameters<RateLimiterPostgres['set']>) {
    await this.#ready();
    return super.set(...args);
  }

  override async block(...args: Parameters<RateLimiterPostgres['block']>) {
    await this.#ready();
    return super.block(...args);
  }
}

/** The limits of the HTTP contract, with its defaults. */
export interface RateLimitOptions {
  store?: RateLimitStore;
  /** Authenticated requests per user per hour. @default 1000 */
  userPerHour?: number;
  /** Requests that spend LLM tokens (session creation, answers) per user per hour. @default 100 */
  llmPerHour?: number;
  /** All API requests per hour. @default 10000 */
  globalPerHour?: number;
  /** Failed logins per account per 15 minutes; per IP it is ten times this. @default 10 */
  loginPer15Min?: number;
}

interface Policy {
  name: string;
  limit: number;
  windowSeconds: number;
  limiter: RateLimiterAbstract;
}

interface Counted {
  policy: Policy;
  remaining: number;
  resetMs: number;
}

/** The rate limits, as middleware for the router to place. */
export interface RateLimits {
  /** Counts every API request against the global limit. */
  global: Middleware;
  /** Counts an authenticated request against the user's limits (and the LLM limit when it spends). */
  user(spendsLlm: boolean): Middleware;
  /**
   * Counts a login attempt against the account and the IP, atomically and before the password
   * is compared, and refuses it (429) past either limit: concurrent guesses cannot all pass a
   * check made before any of them was counted.
   */
  loginGuard(email: string, ip: string): Promise<void>;
  /** After a successful login: forgets the account's attempts and gives the IP its one back. */
  loginSucceeded(email: string, ip: string): Promise<void>;
}

/**
 * The contract's rate limits on rate-limiter-flexible. Every limited response carries
 * `RateLimit-Policy` and `RateLimit` (IETF structured fields) for the policy closest to its
 * limit; a refused one is a 429 with `Retry-After`. A store that fails makes the request a 503
 * rather than letting it through unmetered.
 */
export function createRateLimits(options: RateLimitOptions = {}): RateLimits {
  const store = options.store ?? memoryRateLimitStore();
  const policy = (name: string, limit: number, windowSeconds: number): Policy => ({
    name,
    limit,
    windowSeconds,
    limiter: store({ keyPrefix: `uaip-rl-${name}`, points: limit, duration: windowSeconds }),
  });
  const global = policy('global', options.globalPerHour ?? 10_000, 3600);
  const user = policy('user', options.userPerHour ?? 1000, 3600);
  const llm = policy('llm', options.llmPerHour ?? 100, 3600);
  const loginLimit = options.loginPer15Min ?? 10;
  const loginAccount = policy('login-account', loginLimit, 900);
  const loginIp = policy('login-ip', loginLimit * 10, 900);

  const consumeAll = async (ctx: Context, entries: Array<[Policy, string]>) => {
    const counted = await Promise.all(entries.map(([target, key]) => consume(target, key)));
    const tightest = counted.reduce((a, b) =>
      b.remaining / b.policy.limit < a.remaining / a.policy.limit ? b : a,
    );
    const previous = ctx.state.rateLimit as Counted | undefined;
    const shown =
      previous &&
      previous.remaining / previous.policy.limit < tightest.remaining / tightest.policy.limit
        ? previous
        : tightest;
    show(ctx, shown);
    const refused = counted.find((item) => item.remaining < 0);
    if (refused) throw limited(refused);
  };

  return {
    global: async (ctx, next) => {
      await consumeAll(ctx, [[global, 'all']]);
      try {
        await next();
      } catch (error) {
        // A login refused by its own limits: the 429 names that policy, not the global one.
        const refusal = refusals.get(error as object);
        if (refusal) show(ctx, refusal);
        throw error;
      }
    },
    user: (spendsLlm) => async (ctx, next) => {
      const userId = ctx.state.principal?.userId as string | undefined;
      if (userId) {
        const entries: Array<[Policy, string]> = [[user, userId]];
        if (spendsLlm) entries.push([llm, userId]);
        await consumeAll(ctx, entries);
      }
      await next();
    },
    async loginGuard(email, ip) {
      const counted = await Promise.all([
        consume(loginAccount, accountKey(email)),
        consume(loginIp, ip),
      ]);
      const refused = counted.find((item) => item.remaining < 0);
      if (refused) throw limited(refused);
    },
    async loginSucceeded(email, ip) {
      await guarded(() => loginAccount.limiter.delete(accountKey(email)));
      await guarded(() => loginIp.limiter.reward(ip, 1));
    },
  };
}

/**
 * An account's key in the limiter: a digest of the email, so every valid email (up to 254
 * characters) fits any store's key column, and stored keys do not hold addresses.
 */
function accountKey(email: string): string {
  return createHash('sha256').update(email).digest('base64url');
}

async function consume(policy: Policy, key: string): Promise<Counted> {
  try {
    const result = await policy.limiter.consume(key);
    return { policy, remaining: result.remainingPoints, resetMs: result.msBeforeNext };
  } catch (rejection) {
    // rate-limiter-flexible rejects with a RateLimiterRes when the limit is passed.
    if (rejection instanceof RateLimiterRes)
      return { policy, remaining: -1, resetMs: rejection.msBeforeNext };
    throw new UaipError('storage_unavailable', 'The rate-limit store is unavailable', {
      cause: rejection,
      retryAfterMs: 1000,
    });
  }
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new UaipError('storage_unavailable', 'The rate-limit store is unavailable', {
      cause: error,
      retryAfterMs: 1000,
    });
  }
}

/** The headers of the policy closest to its limit (IETF RateLimit fields, structured syntax). */
function show(ctx: Context, counted: Counted): void {
  ctx.state.rateLimit = counted;
  const { name, limit, windowSeconds } = counted.policy;
  ctx.set('RateLimit-Policy', `"${name}";q=${limit};w=${windowSeconds}`);
  ctx.set(
    'RateLimit',
    `"${name}";r=${Math.max(0, counted.remaining)};t=${Math.ceil(counted.resetMs / 1000)}`,
  );
}

/** Which policy refused, for the errors thrown where no request is at hand (the login guard). */
const refusals = new WeakMap<object, Counted>();

function limited(counted: Counted): UaipError {
  const error = new UaipError(
    'rate_limited',
    `Too many requests (${counted.policy.name} limit); try again later`,
    { retryAfterMs: Math.max(1000, counted.resetMs) },
  );
  refusals.set(error, counted);
  return error;
}
