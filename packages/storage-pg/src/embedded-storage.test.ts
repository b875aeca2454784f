import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { at, makeClaim, makeSession, storageContract } from '@uaip/core/testing';
import { describe, expect, it } from 'vitest';
import { createEmbeddedStorage } from './index';

// PGlite in memory: the contract runs everywhere, with or without a PostgreSQL server.
storageContract('embedded storage (PGlite, in memory)', async () => {
  const storage = await createEmbeddedStorage();
  return { storage, teardown: () => storage.close() };
});

describe('embedded storage on disk, reopened after its process ended', () => {
  it('frees the question leases and in-flight keys the earlier process left', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'uaip-pglite-'));
    try {
      const first = await createEmbeddedStorage({ dataDir });
      const session = makeSession();
      const key = {
        key: 'k',
        requestHash: 'h',
        now: at(0),
        lockedUntil: at(600),
        expiresAt: at(9000),
      };
      await first.createSession(session);
      await first.claimQuestion(
        session.ownerId,
        session.id,
        makeClaim(session, { expiresAt: at(600) }),
      );
      expect(await first.beginIdempotent(session.ownerId, key)).toEqual({ status: 'started' });
      await first.close();

      const second = await createEmbeddedStorage({ dataDir });
      try {
        expect((await second.getSession(session.ownerId, session.id))?.lease).toBeNull();
        // Well before the old lease and lock would have ended, both are free again.
        const retry = makeClaim(session, { now: at(1), expiresAt: at(601) });
        expect(await second.claimQuestion(session.ownerId, session.id, retry)).toBe('claimed');
        expect(await second.beginIdempotent(session.ownerId, { ...key, now: at(1) })).toEqual({
          status: 'started',
        });
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
