import type { OutboxRecord } from '../storage/outbox-types';

// After the first, second, ... failed attempt: a receiver that blips is tried again within
// seconds, one that is down for hours is not hammered. The last delay repeats.
const DELAYS_MS = [
  5_000,
  30_000,
  2 * 60_000,
  10 * 60_000,
  30 * 60_000,
  60 * 60_000,
  2 * 60 * 60_000,
  4 * 60 * 60_000,
  6 * 60 * 60_000,
];

/**
 * When to try a message again after its latest attempt failed at `now`: the delay for the
 * number of failures so far, give or take a fifth (jitter, so receivers that come back are not
 * hit by every message at once), but no later than `retryForMs` after the message was written,
 * so the last try is at that moment. Null once that moment has passed: give it up.
 */
export function nextAttemptAt(
  message: Pick<OutboxRecord, 'createdAt' | 'attempts'>,
  now: number,
  retryForMs: number,
  random: () => number,
): number | null {
  const deadline = Date.parse(message.createdAt) + retryForMs;
  if (now >= deadline) return null;
  const failures = message.attempts.length + 1;
  const delay = DELAYS_MS[Math.min(failures, DELAYS_MS.length) - 1]!;
  const jittered = Math.round(delay * (0.8 + 0.4 * random()));
  return Math.min(now + jittered, deadline);
}
