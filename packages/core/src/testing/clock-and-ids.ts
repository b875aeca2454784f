import type { Clock } from '../clock';

/** A clock that stands still until moved. */
export interface FixedClock extends Clock {
  /** Moves the clock forward. */
  advance(ms: number): void;
  /** Puts the clock at a time. */
  set(time: Date | string | number): void;
}

/**
 * A clock for tests: it reads `start` until `advance` or `set` moves it.
 *
 * @example
 * ```ts
 * const clock = fixedClock('2026-01-01T00:00:00Z');
 * clock.advance(60_000);
 * ```
 */
export function fixedClock(start: Date | string | number = '2026-01-01T00:00:00.000Z'): FixedClock {
  let current = new Date(start).getTime();
  return {
    now: () => current,
    advance(ms) {
      current += ms;
    },
    set(time) {
      current = new Date(time).getTime();
    },
  };
}

/**
 * Ids for tests: UUID-shaped and sequential (`00000000-0000-4000-8000-000000000001`, ...), so
 * snapshots and assertions are stable and ids still pass UUID checks.
 */
export function sequentialIds(): () => string {
  let next = 0;
  return () => {
    next += 1;
    return `00000000-0000-4000-8000-${next.toString(16).padStart(12, '0')}`;
  };
}
