import { UaipError } from '../errors';
import type { SessionRecord, Storage, TurnCommit } from '../storage/types';

/** Session lifecycle over a `Storage`: every load checks the owner, every write is fenced. */
export interface SessionManager {
  /** The session, or `not_found` (also for another owner's). */
  load(ownerId: string, sessionId: string): Promise<SessionRecord>;
  /** Claims the pending question for one turn, or `conflict` at once. */
  claim(session: SessionRecord, questionId: string, leaseId: string, at: number): Promise<void>;
  release(session: SessionRecord, leaseId: string): Promise<void>;
  /**
   * Keeps a claimed question, and the keyed request it serves, held while a turn works: the
   * lease is renewed every third of its length, so a turn may take as long as its model calls
   * do, and a crashed process frees the question within one lease. `lost` aborts when a
   * renewal finds the lease taken; `stop()` ends the heartbeat.
   */
  hold(session: SessionRecord, leaseId: string, key: string | undefined): HeldClaim;
  /** Commits a turn, or `conflict` when the lease was lost to another answer. */
  commit(session: SessionRecord, commit: TurnCommit): Promise<void>;
}

/** A claim kept alive by a heartbeat. */
export interface HeldClaim {
  /** Aborted when the lease was found taken: the turn can no longer commit. */
  lost: AbortSignal;
  stop(): void;
}

export function createSessionManager(
  storage: Storage,
  leaseMs: number,
  now: () => number,
  onRenewalError: (error: unknown) => void = () => {},
): SessionManager {
  const until = () => new Date(now() + leaseMs).toISOString();
  return {
    async load(ownerId, sessionId) {
      const session = await storage.getSession(ownerId, sessionId);
      if (!session) throw new UaipError('not_found', 'Session not found');
      return session;
    },
    async claim(session, questionId, leaseId, at) {
      const result = await storage.claimQuestion(session.ownerId, session.id, {
        version: session.version,
        questionId,
        leaseId,
        expiresAt: new Date(at + leaseMs).toISOString(),
        now: new Date(at).toISOString(),
      });
      if (result === 'not_found') throw new UaipError('not_found', 'Session not found');
      if (result === 'busy')
        throw new UaipError('conflict', 'Another answer to this question is being processed', {
          retryAfterMs: leaseMs,
        });
      if (result === 'stale') throw new UaipError('conflict', 'This question is no longer pending');
    },
    release: (session, leaseId) => storage.releaseClaim(session.ownerId, session.id, leaseId),
    hold(session, leaseId, key) {
      const lost = new AbortController();
      const renew = async () => {
        const expiresAt = until();
        const renewal = key
          ? { leaseId, expiresAt, idempotency: { key, lockedUntil: expiresAt } }
          : { leaseId, expiresAt };
        try {
          if (!(await storage.renewClaim(session.ownerId, session.id, renewal))) {
            lost.abort(
              new UaipError('conflict', 'This turn ran past its lease and lost the question'),
            );
          }
        } catch (error) {
          // A storage hiccup: the next beat tries again, and the lease still has time left.
          onRenewalError(error);
        }
      };
      const timer = setInterval(() => void renew(), Math.max(1, Math.floor(leaseMs / 3)));
      // The heartbeat alone must not keep a process alive.
      timer.unref?.();
      return {
        lost: lost.signal,
        stop: () => clearInterval(timer),
      };
    },
    async commit(session, commit) {
      const committed = await storage.commitTurn(session.ownerId, session.id, commit);
      if (!committed) throw new UaipError('conflict', 'Another answer to this question won');
    },
  };
}
