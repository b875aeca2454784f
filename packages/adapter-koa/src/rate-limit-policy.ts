import { UaipError } from '@uaip/core';
import type { Context } from 'koa';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitStore } from './rate-limit-stores';

/** One named limit: `limit` requests per key in `windowSeconds`. */
export interface Policy {
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

export function makePolicy(
  store: RateLimitStore,
  name: string,
  limit: number,
  windowSeconds: number,
): Policy {
  return {
    name,
    limit,
    windowSeconds,
    limiter: store({ keyPrefix: `uaip-rl-${name}`, points: limit, duration: windowSeconds }),
  };
}

/**
 * Counts one request against each `[policy, key]`, shows the policy closest to its limit in
 * the response's headers (of everything counted for this request so far), and refuses the
 * request (429) when any of them is past its limit.
 */
export async function countAll(ctx: Context, entries: Array<[Policy, string]>): Promise<void> {
  // One after the other: on a store behind a connection pool, a request then holds at most one
  // connection at a time, and a full pool cannot deadlock on requests each waiting for a second.
  const counted: Counted[] = [];
  for (const [policy, key] of entries) counted.push(await consume(policy, key));
  const previous = ctx.state.rateLimit as Counted | undefined;
  const shown = [...(previous ? [previous] : []), ...counted].reduce((a, b) =>
    usedShare(b) > usedShare(a) ? b : a,
  );
  show(ctx, shown);
  const refused = counted.find((item) => item.remaining < 0);
  if (refused) {
    show(ctx, refused);
    throw new UaipError(
      'rate_limited',
      `Too many requests (${refused.policy.name} limit); try again later`,
      { retryAfterMs: Math.max(1000, refused.resetMs) },
    );
  }
}

/** Runs a store operation; a store failure is a 503, never a request let through unmetered. */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw storeUnavailable(error);
  }
}

function storeUnavailable(cause: unknown): UaipError {
  return new UaipError('storage_unavailable', 'The rate-limit store is unavailable', {
    cause,
    retryAfterMs: 1000,
  });
}

const usedShare = (counted: Counted) => 1 - counted.remaining / counted.policy.limit;

async function consume(policy: Policy, key: string): Promise<Counted> {
  try {
    const result = await policy.limiter.consume(key);
    return { policy, remaining: result.remainingPoints, resetMs: result.msBeforeNext };
  } catch (rejection) {
    // rate-limiter-flexible rejects with a RateLimiterRes when the limit is passed.
    if (rejection instanceof RateLimiterRes)
      return { policy, remaining: -1, resetMs: rejection.msBeforeNext };
    throw storeUnavailable(rejection);
  }
}

/** The headers of one policy (IETF RateLimit fields, structured syntax). */
function show(ctx: Context, counted: Counted): void {
  ctx.state.rateLimit = counted;
  const { name, limit, windowSeconds } = counted.policy;
  ctx.set('RateLimit-Policy', `"${name}";q=${limit};w=${windowSeconds}`);
  ctx.set(
    'RateLimit',
    `"${name}";r=${Math.max(0, counted.remaining)};t=${Math.ceil(counted.resetMs / 1000)}`,
  );
}
