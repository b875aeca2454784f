import { UaipError } from '../errors';
import type { SessionRecord, Storage } from '../storage/types';

/** Cost caps in USD; a cap left out is no cap. */
export interface BudgetOptions {
  /** What one session may cost. */
  sessionUsd?: number;
  /** What one user's sessions may cost per UTC calendar day. */
  userDayUsd?: number;
}

/**
 * Refuses a turn, before any LLM call, when it would pass the session's or its owner's cap:
 * what was spent (from the usage ledger, failed attempts included) plus what a turn of this
 * session has cost on average. A turn's cost is only known afterwards, so a cap can still be
 * passed by the difference between a turn and the average.
 */
export async function checkBudget(
  storage: Storage,
  session: SessionRecord,
  budgets: BudgetOptions,
  now: number,
): Promise<void> {
  // Committed turns: the version starts at 1 and grows by one a turn.
  const turns = Math.max(1, session.version - 1);
  const nextTurn = session.usage.costUsd / turns;
  if (budgets.sessionUsd !== undefined && session.usage.costUsd + nextTurn > budgets.sessionUsd) {
    throw new UaipError(
      'budget_exceeded',
      `This session has used its budget of $${budgets.sessionUsd}`,
    );
  }
  if (budgets.userDayUsd !== undefined) {
    const midnight = new Date(now);
    midnight.setUTCHours(0, 0, 0, 0);
    const spent = await storage.spentSince(session.ownerId, midnight.toISOString());
    if (spent + nextTurn > budgets.userDayUsd || spent >= budgets.userDayUsd) {
      const tomorrow = midnight.getTime() + 24 * 60 * 60 * 1000;
      throw new UaipError(
        'budget_exceeded',
        `Today's budget of $${budgets.userDayUsd} is used up; it resets at 00:00 UTC`,
        {
          retryAfterMs: tomorrow - now,
        },
      );
    }
  }
}
