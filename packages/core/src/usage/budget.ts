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
 * Refuses a turn, before any LLM call, when the session or its owner has already spent a cap
 * (from the usage ledger, failed attempts included). A turn that starts under the cap is
 * allowed to finish, so a cap can be passed by at most one turn's cost.
 */
export async function checkBudget(
  storage: Storage,
  session: SessionRecord,
  budgets: BudgetOptions,
  now: number,
): Promise<void> {
  if (budgets.sessionUsd !== undefined && session.usage.costUsd >= budgets.sessionUsd) {
    throw new UaipError(
      'budget_exceeded',
      `This session has used its budget of $${budgets.sessionUsd}`,
    );
  }
  if (budgets.userDayUsd !== undefined) {
    const midnight = new Date(now);
    midnight.setUTCHours(0, 0, 0, 0);
    const spent = await storage.spentSince(session.ownerId, midnight.toISOString());
    if (spent >= budgets.userDayUsd) {
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
