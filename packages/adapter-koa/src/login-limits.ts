import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { addressKey } from './client-address';
import { countAll, guarded, makePolicy, type Policy } from './rate-limit-policy';
import type { RateLimitStore } from './rate-limit-stores';

/**
 * How long an address where an account signed in stays known to that account (renewed by each
 * sign-in). Under 24.8 days: the memory store expires keys with a timer, and Node runs a
 * timer of more than 2^31 - 1 ms at once.
 */
const KNOWN_FOR_SECONDS = 14 * 24 * 3600;
const WINDOW_SECONDS = 15 * 60;

/** The login attempts of the password routes (login, and a password change's current password). */
export interface LoginLimits {
  /**
   * Counts an attempt before the password is compared, atomically, and refuses it (429) past
   * a limit: concurrent guesses cannot all pass a check made before any of them was counted.
   */
  guard(ctx: Context, email: string): Promise<void>;
  /** After the right password: gives the attempt back and remembers the address. */
  succeeded(ctx: Context, email: string): Promise<void>;
}

/**
 * Limits that slow guessing without giving strangers a switch to lock others out:
 *
 * - `login-account-ip`: `perWindow` attempts per account from one address, always.
 * - `login-account`: `perWindow` attempts per account from addresses it has not signed in
 *   from, all together. A botnet gets no more guesses than one address; the owner, signing in
 *   from an address where the account signed in within 14 days, is not refused because of
 *   them.
 * - `login-ip`: 10 × `perWindow` attempts per address across accounts (credential stuffing),
 *   again except for accounts that signed in from it, so one guesser behind a shared address
 *   (an office, a carrier's NAT) does not lock out everyone else behind it.
 */
export function createLoginLimits(store: RateLimitStore, perWindow: number): LoginLimits {
  const pair = makePolicy(store, 'login-account-ip', perWindow, WINDOW_SECONDS);
  const account = makePolicy(store, 'login-account', perWindow, WINDOW_SECONDS);
  const address = makePolicy(store, 'login-ip', perWindow * 10, WINDOW_SECONDS);
  const known = store({
    keyPrefix: 'uaip-rl-login-known',
    points: 1,
    duration: KNOWN_FOR_SECONDS,
  });
  const keysOf = (ctx: Context, email: string) => {
    const accountKey = digest(email);
    const from = addressKey(ctx.ip);
    return { accountKey, from, pairKey: `${accountKey}:${from}` };
  };
  const isKnown = async (pairKey: string) =>
    ((await guarded(() => known.get(pairKey)))?.consumedPoints ?? 0) > 0;

  return {
    async guard(ctx, email) {
      const { accountKey, from, pairKey } = keysOf(ctx, email);
      const trusted = await isKnown(pairKey);
      const entries: Array<[Policy, string]> = [[pair, pairKey]];
      if (!trusted) entries.push([account, accountKey], [address, from]);
      await countAll(ctx, entries);
    },
    async succeeded(ctx, email) {
      const { accountKey, from, pairKey } = keysOf(ctx, email);
      const trusted = await isKnown(pairKey);
      // The pair's count holds only this address's own failures: forget them. The account's
      // and the address's may hold a stranger's: give back this attempt and no more.
      await guarded(() => pair.limiter.delete(pairKey));
      if (!trusted) {
        await guarded(() => account.limiter.reward(accountKey, 1));
        await guarded(() => address.limiter.reward(from, 1));
      }
      await guarded(() => known.set(pairKey, 1, KNOWN_FOR_SECONDS));
    },
  };
}

/**
 * An account's key: a digest of the email, so every valid email (up to 254 characters) fits
 * any store's key column, and the store holds no addresses.
 */
function digest(email: string): string {
  return createHash('sha256').update(email).digest('base64url');
}
