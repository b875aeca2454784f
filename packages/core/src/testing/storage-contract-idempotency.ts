import { describe, expect, it } from 'vitest';
import type { IdempotencyStart } from '../storage/types';
import { createClaimed, type StorageUnderTest } from './storage-contract-fixtures';
import { at, makeCommit, newId } from './storage-records';

export function idempotencyCases(storage: StorageUnderTest): void {
  /** A request under `key` at `at(now)`, locked for 30 s and remembered for an hour. */
  function request(key: string, requestHash: string, now = 0): IdempotencyStart {
    return { key, requestHash, now: at(now), lockedUntil: at(now + 30), expiresAt: at(now + 3600) };
  }

  describe('idempotency keys', () => {
    it('starts a key, holds it against retries and other bodies, frees it when abandoned', async () => {
      const owner = newId();
      const key = newId();
      const begin = (hash: string, now: number) =>
        storage().beginIdempotent(owner, request(key, hash, now));
      expect(await begin('a', 0)).toEqual({ status: 'started' });
      expect(await begin('a', 1)).toEqual({ status: 'in_flight' });
      expect(await begin('b', 2)).toEqual({ status: 'mismatch' });
      await storage().abandonIdempotent(owner, key);
      expect(await begin('b', 3)).toEqual({ status: 'started' });
      expect(await begin('a', 4)).toEqual({ status: 'mismatch' });
    });

    it('replays the response committed with the turn, and only for the same request', async () => {
      const { session, leaseId } = await createClaimed(storage());
      const owner = session.ownerId;
      const key = newId();
      const response = { question: { id: 'q2', text: 'Who owns the data?' }, scores: [0.5, 0.75] };
      expect(await storage().beginIdempotent(owner, request(key, 'a'))).toEqual({
        status: 'started',
      });
      const commit = makeCommit(session, leaseId, {
        idempotency: { key, requestHash: 'a', expiresAt: at(3600), response },
      });
      expect(await storage().commitTurn(owner, session.id, commit)).toBe(true);

      const replay = await storage().beginIdempotent(owner, request(key, 'a', 60));
      expect(replay).toEqual({ status: 'completed', response });
      // The replayed response is a copy, and abandoning a finished key keeps it.
      if (replay.status === 'completed') (replay.response as { scores: number[] }).scores.push(9);
      await storage().abandonIdempotent(owner, key);
      expect(await storage().beginIdempotent(owner, request(key, 'a', 61))).toEqual({
        status: 'completed',
        response,
      });
      expect(await storage().beginIdempotent(owner, request(key, 'b', 62))).toEqual({
        status: 'mismatch',
      });
    });

    it('treats an expired key as absent', async () => {
      const { session, leaseId } = await createClaimed(storage());
      const owner = session.ownerId;
      const key = newId();
      expect(await storage().beginIdempotent(owner, request(key, 'a'))).toEqual({
        status: 'started',
      });
      const commit = makeCommit(session, leaseId, {
        idempotency: { key, requestHash: 'a', expiresAt: at(3600), response: { ok: true } },
      });
      expect(await storage().commitTurn(owner, session.id, commit)).toBe(true);
      // request() keeps a key for an hour: after that, even another body starts afresh.
      expect(await storage().beginIdempotent(owner, request(key, 'b', 3601))).toEqual({
        status: 'started',
      });
      expect(await storage().beginIdempotent(owner, request(key, 'b', 3602))).toEqual({
        status: 'in_flight',
      });
    });

    it('lets a request start again once the in-flight lock has passed', async () => {
      const owner = newId();
      const key = newId();
      expect(await storage().beginIdempotent(owner, request(key, 'a'))).toEqual({
        status: 'started',
      });
      expect(await storage().beginIdempotent(owner, request(key, 'a', 29))).toEqual({
        status: 'in_flight',
      });
      expect(await storage().beginIdempotent(owner, request(key, 'a', 31))).toEqual({
        status: 'started',
      });
      // The new start holds its own lock.
      expect(await storage().beginIdempotent(owner, request(key, 'b', 32))).toEqual({
        status: 'mismatch',
      });
    });

    it("renews an in-flight key's lock with its turn's lease", async () => {
      const { session, leaseId } = await createClaimed(storage());
      const owner = session.ownerId;
      const key = newId();
      expect(await storage().beginIdempotent(owner, request(key, 'a'))).toEqual({
        status: 'started',
      });
      const renewal = { leaseId, expiresAt: at(90), idempotency: { key, lockedUntil: at(90) } };
      expect(await storage().renewClaim(owner, session.id, renewal)).toBe(true);
      // Past the first lock (30 s) the request is still running.
      expect(await storage().beginIdempotent(owner, request(key, 'a', 31))).toEqual({
        status: 'in_flight',
      });
      expect(await storage().beginIdempotent(owner, request(key, 'a', 91))).toEqual({
        status: 'started',
      });
    });

    it('starts exactly one of two concurrent requests under a key', async () => {
      const owner = newId();
      const key = newId();
      const results = await Promise.all([
        storage().beginIdempotent(owner, request(key, 'a')),
        storage().beginIdempotent(owner, request(key, 'a')),
      ]);
      expect(results.map((result) => result.status).sort()).toEqual(['in_flight', 'started']);
    });

    it('sweeps the expired keys of every owner, and keeps the live ones', async () => {
      const [first, second] = [newId(), newId()];
      await storage().beginIdempotent(first, request('old', 'a', 0));
      await storage().beginIdempotent(second, request('old', 'a', 10));
      await storage().beginIdempotent(first, request('live', 'a', 3000));
      // Both old keys expire by at(3610): the sweep counts them (and any older ones).
      expect(await storage().sweep(at(3610))).toBeGreaterThanOrEqual(2);
      expect(await storage().sweep(at(3610))).toBe(0);
      expect(await storage().beginIdempotent(first, request('live', 'a', 3001))).toEqual({
        status: 'in_flight',
      });
      expect(await storage().beginIdempotent(second, request('old', 'b', 3611))).toEqual({
        status: 'started',
      });
    });

    it('starts exactly one of ten concurrent requests under a key; the rest see it in flight', async () => {
      const owner = newId();
      const key = newId();
      const results = await Promise.all(
        Array.from({ length: 10 }, () => storage().beginIdempotent(owner, request(key, 'a'))),
      );
      const statuses = results.map((result) => result.status).sort();
      expect(statuses).toEqual(['started', ...Array.from({ length: 9 }, () => 'in_flight')].sort());
    });

    it('abandons an unknown key harmlessly', async () => {
      const owner = newId();
      const key = newId();
      await storage().abandonIdempotent(owner, key);
      expect(await storage().beginIdempotent(owner, request(key, 'a'))).toEqual({
        status: 'started',
      });
    });
  });
}
