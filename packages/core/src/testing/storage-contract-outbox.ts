import { describe, expect, it } from 'vitest';
import {
  OUTBOX_RETENTION_MS,
  type OutboxMessage,
  type OutboxRecord,
} from '../storage/outbox-types';
import type { SessionRecord, Storage } from '../storage/types';
import { createClaimed, type StorageUnderTest } from './storage-contract-fixtures';
import { at, makeCommit, makeReview, makeSession, newId } from './storage-records';

function message(session: SessionRecord, overrides: Partial<OutboxMessage> = {}): OutboxMessage {
  return {
    id: `msg_${newId()}`,
    endpointId: 'audit',
    ownerId: session.ownerId,
    sessionId: session.id,
    eventType: 'session.completed',
    payload: JSON.stringify({ type: 'session.completed', data: { sessionId: session.id } }),
    createdAt: at(20),
    nextAttemptAt: at(20),
    ...overrides,
  };
}

const pending = (written: OutboxMessage): OutboxRecord => ({
  ...written,
  status: 'pending',
  attempts: [],
  settledAt: null,
});

/**
 * The webhook outbox (optional methods; skipped for a storage without `claimOutbox`):
 * written with the commit or review save it announces and only then, leased to one dispatcher
 * at a time, settled with every attempt kept. The outbox is shared by every owner, so each case
 * claims with a large limit and looks only at its own messages.
 */
export function outboxCases(storage: StorageUnderTest): void {
  const outboxOf = (skip: () => void) => {
    const store = storage();
    if (!store.claimOutbox || !store.recordDelivery || !store.listOutbox) skip();
    return store as Required<Pick<Storage, 'claimOutbox' | 'recordDelivery' | 'listOutbox'>> &
      Storage;
  };
  const claimed = async (
    store: Pick<Storage, 'claimOutbox'>,
    now: string,
    ids: string[],
    leaseId = newId(),
  ) => {
    const all = await store.claimOutbox!({ now, leaseId, leaseUntil: at(600), limit: 1000 });
    return { leaseId, mine: all.filter((record) => ids.includes(record.id)) };
  };

  describe('the webhook outbox (claimOutbox, recordDelivery, listOutbox; optional)', () => {
    it('writes a turn’s messages in its commit, for its owner’s eyes only', async (context) => {
      const store = outboxOf(() => context.skip());
      const { session, leaseId } = await createClaimed(store);
      const written = [message(session), message(session, { endpointId: 'crm' })];
      const commit = makeCommit(session, leaseId, { outbox: written });
      expect(await store.commitTurn(session.ownerId, session.id, commit)).toBe(true);
      expect(await store.listOutbox(session.ownerId, session.id)).toEqual(written.map(pending));
      expect(await store.listOutbox(`other-${newId()}`, session.id)).toEqual([]);
    });

    it('writes no message when the commit is refused (a stale version or a lost lease)', async (context) => {
      const store = outboxOf(() => context.skip());
      const { session, leaseId } = await createClaimed(store);
      const stale = makeCommit(session, leaseId, {
        expectedVersion: session.version + 1,
        outbox: [message(session)],
      });
      expect(await store.commitTurn(session.ownerId, session.id, stale)).toBe(false);
      const lost = makeCommit(session, newId(), { outbox: [message(session)] });
      expect(await store.commitTurn(session.ownerId, session.id, lost)).toBe(false);
      expect(await store.listOutbox(session.ownerId, session.id)).toEqual([]);
      const ids = [...stale.outbox!, ...lost.outbox!].map((m) => m.id);
      expect((await claimed(store, at(30), ids)).mine).toEqual([]);
    });

    it('writes a review’s messages only when the review is saved', async (context) => {
      const store = outboxOf(() => context.skip());
      const session = makeSession({ status: 'completed', pending: null, currentStageId: null });
      await store.createSession(session);
      const review = makeReview(session);
      const refused = [message(session, { eventType: 'review.requested' })];
      expect(await store.saveReview(session.ownerId, session.id, review, 4, refused)).toBe(false);
      expect(await store.listOutbox(session.ownerId, session.id)).toEqual([]);
      const written = [message(session, { eventType: 'review.requested' })];
      expect(await store.saveReview(session.ownerId, session.id, review, null, written)).toBe(true);
      expect(await store.listOutbox(session.ownerId, session.id)).toEqual(written.map(pending));
      // Another owner's save of the same session writes nothing either.
      const stranger = [message(session, { ownerId: `other-${newId()}` })];
      const next = { ...review, version: review.version + 1 };
      expect(
        await store.saveReview(stranger[0]!.ownerId, session.id, next, review.version, stranger),
      ).toBe(false);
      expect((await claimed(store, at(30), [stranger[0]!.id])).mine).toEqual([]);
    });

    it('leases a due message to one dispatcher until its lease ends', async (context) => {
      const store = outboxOf(() => context.skip());
      const { session, leaseId } = await createClaimed(store);
      const later = message(session, { nextAttemptAt: at(50) });
      const commit = makeCommit(session, leaseId, { outbox: [later] });
      await store.commitTurn(session.ownerId, session.id, commit);
      expect((await claimed(store, at(49), [later.id])).mine).toEqual([]);
      const first = await claimed(store, at(50), [later.id]);
      expect(first.mine).toEqual([{ ...pending(later), nextAttemptAt: at(600) }]);
      // Leased: nobody else gets it until the lease ends at 600 s.
      expect((await claimed(store, at(599), [later.id])).mine).toEqual([]);
      const second = await claimed(store, at(600), [later.id]);
      expect(second.mine.map((record) => record.id)).toEqual([later.id]);
      // The first dispatcher's lease is gone: what it reports changes nothing.
      const attempt = { at: at(51), status: 200, error: null, durationMs: 12 };
      const done = { status: 'delivered' as const, at: at(51) };
      expect(await store.recordDelivery(later.id, first.leaseId, attempt, done)).toBe(false);
      expect((await store.listOutbox(session.ownerId, session.id))[0]?.attempts).toEqual([]);
    });

    it('keeps every attempt, retries at the time set, and settles a message for good', async (context) => {
      const store = outboxOf(() => context.skip());
      const { session, leaseId } = await createClaimed(store);
      const written = message(session);
      await store.commitTurn(
        session.ownerId,
        session.id,
        makeCommit(session, leaseId, { outbox: [written] }),
      );
      const failedAttempt = { at: at(20), status: 500, error: 'HTTP 500', durationMs: 8 };
      const first = await claimed(store, at(20), [written.id]);
      const retry = { status: 'pending' as const, nextAttemptAt: at(80) };
      expect(await store.recordDelivery(written.id, first.leaseId, failedAttempt, retry)).toBe(
        true,
      );
      // Recorded once: the lease went with the attempt.
      expect(await store.recordDelivery(written.id, first.leaseId, failedAttempt, retry)).toBe(
        false,
      );
      expect((await claimed(store, at(79), [written.id])).mine).toEqual([]);
      const second = await claimed(store, at(80), [written.id]);
      expect(second.mine[0]?.attempts).toEqual([failedAttempt]);
      const ok = { at: at(80), status: 204, error: null, durationMs: 5 };
      const delivered = { status: 'delivered' as const, at: at(81) };
      expect(await store.recordDelivery(written.id, second.leaseId, ok, delivered)).toBe(true);
      expect(await store.listOutbox(session.ownerId, session.id)).toEqual([
        {
          ...written,
          nextAttemptAt: at(600),
          status: 'delivered',
          attempts: [failedAttempt, ok],
          settledAt: at(81),
        },
      ]);
      expect((await claimed(store, at(10_000), [written.id])).mine).toEqual([]);
    });

    it('gives a failed message up for good', async (context) => {
      const store = outboxOf(() => context.skip());
      const { session, leaseId } = await createClaimed(store);
      const written = message(session);
      await store.commitTurn(
        session.ownerId,
        session.id,
        makeCommit(session, leaseId, { outbox: [written] }),
      );
      const lease = await claimed(store, at(20), [written.id]);
      const refused = { at: at(20), status: null, error: 'Refused: loopback', durationMs: 0 };
      const failed = { status: 'failed' as const, at: at(20) };
      expect(await store.recordDelivery(written.id, lease.leaseId, refused, failed)).toBe(true);
      const [record] = await store.listOutbox(session.ownerId, session.id);
      expect(record).toMatchObject({ status: 'failed', attempts: [refused], settledAt: at(20) });
      expect((await claimed(store, at(10_000), [written.id])).mine).toEqual([]);
    });

    it('sweeps delivered and failed messages 30 days after they settled, never a pending one', async (context) => {
      const store = outboxOf(() => context.skip());
      const { session, leaseId } = await createClaimed(store);
      const [delivered, failed, retried, waiting] = [0, 1, 2, 3].map(() =>
        message(session, { createdAt: at(10), nextAttemptAt: at(10) }),
      );
      await store.commitTurn(
        session.ownerId,
        session.id,
        makeCommit(session, leaseId, { outbox: [delivered!, failed!, retried!, waiting!] }),
      );
      const ids = [delivered!.id, failed!.id, retried!.id];
      const lease = await claimed(store, at(10), ids);
      expect(lease.mine).toHaveLength(3);
      const attempt = (status: number) => ({ at: at(20), status, error: null, durationMs: 3 });
      await store.recordDelivery(delivered!.id, lease.leaseId, attempt(200), {
        status: 'delivered',
        at: at(20),
      });
      await store.recordDelivery(failed!.id, lease.leaseId, attempt(410), {
        status: 'failed',
        at: at(30),
      });
      // Still pending, its next attempt long past, like one never tried (`waiting`).
      await store.recordDelivery(retried!.id, lease.leaseId, attempt(503), {
        status: 'pending',
        nextAttemptAt: at(40),
      });
      const statuses = async () =>
        (await store.listOutbox(session.ownerId, session.id)).map((record) => record.status);
      const retention = OUTBOX_RETENTION_MS / 1000;

      // A second short of 30 days after the delivery: nothing goes.
      await store.sweep(at(20 + retention - 1));
      expect(await statuses()).toEqual(['delivered', 'failed', 'pending', 'pending']);
      // 30 days after the delivery, not yet after the failure.
      expect(await store.sweep(at(20 + retention))).toBeGreaterThanOrEqual(1);
      expect(await statuses()).toEqual(['failed', 'pending', 'pending']);
      // Long after: the failed one goes, the pending ones stay, whatever their age.
      await store.sweep(at(30 + 10 * retention));
      expect(await statuses()).toEqual(['pending', 'pending']);
      expect((await store.listOutbox(session.ownerId, session.id)).map((r) => r.id)).toEqual([
        retried!.id,
        waiting!.id,
      ]);
    });
  });
}
