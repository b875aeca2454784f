import { describe, expect, it } from 'vitest';
import { storageContract } from '../testing/storage-contract';
import { at, makeCall, makeSession } from '../testing/storage-records';
import { createMemoryStorage } from './memory-storage';

storageContract('memory storage', () => ({ storage: createMemoryStorage() }));

describe('memory storage keeps what budgets need, not everything', () => {
  const DAY = 24 * 60 * 60;

  it('forgets spending older than two days, and still sums the recent exactly', async () => {
    const storage = createMemoryStorage();
    const session = makeSession();
    await storage.createSession(session);
    const spend = (seconds: number, costUsd: number) =>
      storage.recordUsage(session.ownerId, session.id, [
        makeCall(session.id, { createdAt: at(seconds), costUsd }),
      ]);
    await spend(0, 1);
    await spend(DAY, 2);
    await spend(3 * DAY, 4);
    await spend(3 * DAY + 60, 8);
    expect(await storage.spentSince(session.ownerId, at(3 * DAY))).toBe(12);
    expect(await storage.spentSince(session.ownerId, at(DAY + 1))).toBe(12);
    // Three days back: the first two calls are no longer kept.
    expect(await storage.spentSince(session.ownerId, at(0))).toBe(12);
    // The session's own usage still has every call.
    expect(await storage.listUsage(session.ownerId, session.id)).toHaveLength(4);
  });
});
