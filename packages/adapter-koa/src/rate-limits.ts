import type { Context } from 'koa';
import { addressKey } from './client-address';
import { createLoginLimits } from './login-limits';
import { countAll, makePolicy, type Policy } from './rate-limit-policy';
import { memoryRateLimitStore, type RateLimitStore } from './rate-limit-stores';

export {
  memoryRateLimitStore,
  postgresRateLimitStore,
  type RateLimitStore,
  redisRateLimitStore,
} from './rate-limit-stores';

/** The limits of the HTTP contract, with its defaults. */
export interface RateLimitOptions {
  store?: RateLimitStore;
  /** Authenticated requests per user per hour. @default 1000 */
  userPerHour?: number;
  /** Requests that spend LLM tokens (session creation, answers) per user per hour. @default 100 */
  llmPerHour?: number;
  /**
   * Session imports (`POST /sessions/import`, up to 5 MB of rows each) per user per hour, on
   * top of the per-user limit. @default 20
   */
  importsPerHour?: number;
  /**
   * Signed-in API requests per hour, all users together: it sheds load. Requests without a
   * valid token never count here (a flood of them could otherwise lock every user out); they
   * count per address under `anonymousPerAddressPerHour`. @default 10000
   */
  globalPerHour?: number;
  /**
   * Requests without a valid token (register, login, and any request whose token is missing
   * or refused) per client address per hour; an IPv6 address counts by its /64. @default 1000
   */
  anonymousPerAddressPerHour?: number;
  /** Registrations per client address per hour, counted before the password is hashed. @default 10 */
  registrationsPerAddressPerHour?: number;
  /**
   * Login attempts per account and address per 15 minutes, and per account from addresses it
   * has not signed in from; per address across accounts it is ten times this. @default 10
   */
  loginPer15Min?: number;
}

/** The rate limits, for the router to apply. Each refuses with 429 past its limit. */
export interface RateLimits {
  /**
   * Counts a signed-in request: the global limit, the user's, the LLM one when it spends, and
   * the import one when it imports a session. A `RateLimits` of a host's own that ignores
   * `importsSession` counts an import like any other signed-in request.
   */
  signedIn(ctx: Context, spendsLlm: boolean, importsSession?: boolean): Promise<void>;
  /** Counts a request without a valid token against its client address. */
  anonymous(ctx: Context): Promise<void>;
  /** Counts a registration against its client address. */
  registration(ctx: Context): Promise<void>;
  /**
   * Counts a login attempt (or a password change's current password) before the password is
   * compared, atomically, against the account and the address; see `docs/security.md`.
   */
  loginGuard(ctx: Context, email: string): Promise<void>;
  /** After the right password: gives the attempt back and remembers the address. */
  loginSucceeded(ctx: Context, email: string): Promise<void>;
}

/**
 * The contract's rate limits on rate-limiter-flexible. Every limited response carries
 * `RateLimit-Policy` and `RateLimit` (IETF structured fields) for the policy closest to its
 * limit; a refused one is a 429 with `Retry-After`. A store that fails makes the request a 503
 * rather than letting it through unmetered.
 */
export function createRateLimits(options: RateLimitOptions = {}): RateLimits {
  const store = options.store ?? memoryRateLimitStore();
  const hourly = (name: string, limit: number) => makePolicy(store, name, limit, 3600);
  const global = hourly('global', options.globalPerHour ?? 10_000);
  const user = hourly('user', options.userPerHour ?? 1000);
  const llm = hourly('llm', options.llmPerHour ?? 100);
  const imports = hourly('import', options.importsPerHour ?? 20);
  const anonymous = hourly('anonymous', options.anonymousPerAddressPerHour ?? 1000);
  const registration = hourly('registration', options.registrationsPerAddressPerHour ?? 10);
  const login = createLoginLimits(store, options.loginPer15Min ?? 10);

  return {
    async signedIn(ctx, spendsLlm, importsSession = false) {
      const userId = (ctx.state.principal as { userId: string }).userId;
      const entries: Array<[Policy, string]> = [
        [global, 'all'],
        [user, userId],
      ];
      if (spendsLlm) entries.push([llm, userId]);
      if (importsSession) entries.push([imports, userId]);
      await countAll(ctx, entries);
    },
    anonymous: (ctx) => countAll(ctx, [[anonymous, addressKey(ctx.ip)]]),
    registration: (ctx) => countAll(ctx, [[registration, addressKey(ctx.ip)]]),
    loginGuard: login.guard,
    loginSucceeded: login.succeeded,
  };
}
