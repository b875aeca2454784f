import type {
  DeliveryAttempt,
  DeliveryOutcome,
  OutboxClaim,
  OutboxMessage,
  OutboxRecord,
} from './outbox-types';

// The webhook outbox of the memory storage. Messages are kept apart from the sessions: they
// are the host's delivery log, so deleting a session does not cancel a webhook already due.

interface Entry {
  record: OutboxRecord;
  leaseId: string | null;
}

/** The outbox of one memory storage: its records are copies, handed out as copies. */
export interface MemoryOutbox {
  /** Adds messages already copied from the caller (part of a commit that went through). */
  add(messages: OutboxMessage[]): void;
  claim(claim: OutboxClaim): OutboxRecord[];
  record(
    messageId: string,
    leaseId: string,
    attempt: DeliveryAttempt,
    outcome: DeliveryOutcome,
  ): boolean;
  list(ownerId: string, sessionId: string): OutboxRecord[];
  /** Deletes the delivered and failed messages settled at or before `before` (ms); how many. */
  prune(before: number): number;
}

export function createMemoryOutbox(copy: <T>(value: T) => T): MemoryOutbox {
  // A Map keeps insertion order: the order messages were written in.
  const entries = new Map<string, Entry>();
  return {
    add(messages) {
      for (const message of messages) {
        entries.set(message.id, {
          record: { ...message, status: 'pending', attempts: [], settledAt: null },
          leaseId: null,
        });
      }
    },
    claim({ now, leaseId, leaseUntil, limit }) {
      const due = [...entries.values()]
        .filter(
          ({ record }) =>
            record.status === 'pending' && Date.parse(record.nextAttemptAt) <= Date.parse(now),
        )
        .sort((a, b) => Date.parse(a.record.nextAttemptAt) - Date.parse(b.record.nextAttemptAt))
        .slice(0, limit);
      for (const entry of due) {
        entry.leaseId = leaseId;
        entry.record.nextAttemptAt = leaseUntil;
      }
      return copy(due.map((entry) => entry.record));
    },
    record(messageId, leaseId, attempt, outcome) {
      const entry = entries.get(messageId);
      if (!entry || entry.leaseId !== leaseId || entry.record.status !== 'pending') return false;
      const { record } = entry;
      record.attempts.push(copy(attempt));
      record.status = outcome.status;
      if (outcome.status === 'pending') record.nextAttemptAt = outcome.nextAttemptAt;
      else record.settledAt = outcome.at;
      entry.leaseId = null;
      return true;
    },
    list(ownerId, sessionId) {
      const mine = [...entries.values()].filter(
        ({ record }) => record.ownerId === ownerId && record.sessionId === sessionId,
      );
      return copy(mine.map((entry) => entry.record));
    },
    prune(before) {
      let pruned = 0;
      for (const [id, { record }] of entries) {
        if (record.settledAt !== null && Date.parse(record.settledAt) <= before) {
          entries.delete(id);
          pruned += 1;
        }
      }
      return pruned;
    },
  };
}
