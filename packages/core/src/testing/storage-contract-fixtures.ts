import { expect } from 'vitest';
import type { ErrorCode } from '../errors';
import { UaipError } from '../errors';
import type { SessionRecord, Storage } from '../storage/types';
import { makeClaim, makeSession } from './storage-records';

// Vitest helpers of the storage contract; the records themselves come from storage-records.

/** The storage under test; a function because the suite's setup runs after declaration. */
export type StorageUnderTest = () => Storage;

/** Stores a fresh session and claims its question: the state a turn starts from. */
export async function createClaimed(
  storage: Storage,
  overrides: Partial<SessionRecord> = {},
): Promise<{ session: SessionRecord; leaseId: string }> {
  const session = makeSession(overrides);
  await storage.createSession(session);
  const claim = makeClaim(session);
  expect(await storage.claimQuestion(session.ownerId, session.id, claim)).toBe('claimed');
  return {
    session: { ...session, lease: { id: claim.leaseId, expiresAt: claim.expiresAt } },
    leaseId: claim.leaseId,
  };
}

/** Awaits `promise` and checks it failed with a `UaipError` of this code. */
export async function expectUaipError(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a UaipError '${code}'`).toBeDefined();
  expect(UaipError.isInstance(caught) && caught.code).toBe(code);
}
