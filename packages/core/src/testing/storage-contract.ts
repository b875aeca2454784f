import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../storage/types';
import { idempotencyCases } from './storage-contract-idempotency';
import { importCases } from './storage-contract-import';
import { isolationCases } from './storage-contract-isolation';
import { memberCases } from './storage-contract-members';
import { outboxCases } from './storage-contract-outbox';
import { reviewCases } from './storage-contract-reviews';
import { revisionCases } from './storage-contract-revisions';
import { sessionCases } from './storage-contract-sessions';
import { turnCases } from './storage-contract-turns';

/** What {@link storageContract} runs against: a storage, and how to dispose of it. */
export interface StorageFixture {
  storage: Storage;
  /** Called once after the suite, e.g. to close a pool or a PGlite instance. */
  teardown?: () => Promise<void> | void;
}

/**
 * Declares the Vitest suite every {@link Storage} implementation must pass. `setup` runs once
 * per suite (a database may take seconds to start); the tests never assume an empty store,
 * each one works on fresh random owners, sessions and emails, so they may share it.
 *
 * @example
 * ```ts
 * // memory-storage.test.ts
 * storageContract('memory storage', () => ({ storage: createMemoryStorage() }));
 * ```
 */
export function storageContract(
  name: string,
  setup: () => Promise<StorageFixture> | StorageFixture,
): void {
  describe(name, () => {
    let fixture: StorageFixture | undefined;

    beforeAll(async () => {
      fixture = await setup();
    });

    afterAll(async () => {
      await fixture?.teardown?.();
    });

    const storage = (): Storage => {
      if (!fixture) throw new Error('storageContract: setup has not run');
      return fixture.storage;
    };

    it('answers a ping when it can serve requests', async () => {
      await expect(storage().ping()).resolves.toBeUndefined();
    });

    sessionCases(storage);
    turnCases(storage);
    isolationCases(storage);
    idempotencyCases(storage);
    revisionCases(storage);
    memberCases(storage);
    reviewCases(storage);
    outboxCases(storage);
    importCases(storage);
  });
}
