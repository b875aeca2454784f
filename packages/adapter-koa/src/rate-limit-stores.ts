import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
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
