import { UaipError } from '../errors';
import type {
  SessionClaim,
  SessionClaimed,
  SessionRecord,
  Storage,
  TurnCommit,
} from '../storage/types';

/** Session lifecycle over a `Storage`: every load checks the owner, every write is fenced. */
export interface SessionManager {
  /** The session, or `not_found` (also for another owner's). */
  load(ownerId: string, sessionId: string): Promise<SessionRecord>;
  /**
   * Claims the pending question `questionId` for one turn and returns the session it was
   * claimed on (one round trip when the storage has `claimSession`). Throws `not_found`,
   * `session_completed`, or `conflict` at once when the question is not pending or is held.
   */
  claim(
    ownerId: string,
    sessionId: string,
    questionId: string,
    leaseId: string,
    at: number,
  ): Promise<SessionRecord>;
  /**
   * Claims a session (active or completed) for a revision at the version it was read at:
   * `conflict` when it moved on or a turn holds it, `not_found` when it is gone.
   */
  claimRevision(session: SessionRecord, leaseId: string, at: number): Promise<void>;
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
    async claim(ownerId, sessionId, questionId, leaseId, at) {
      const claim = {
        questionId,
        leaseId,
        expiresAt: new Date(at + leaseMs).toISOString(),
        now: new Date(at).toISOString(),
      };
      const { result, session } = storage.claimSession
        ? await storage.claimSession(ownerId, sessionId, claim)
        : await readThenClaim(storage, ownerId, sessionId, claim);
      if (result === 'not_found' || !session) throw new UaipError('not_found', 'Session not found');
      if (result === 'claimed') return session;
      if (session.status === 'completed')
        throw new UaipError('session_completed', 'This session is completed');
      if (result === 'busy')
        throw new UaipError('conflict', 'Another answer to this question is being processed', {
          retryAfterMs: leaseMs,
        });
      throw new UaipError('conflict', 'This question is no longer pending');
    },
    async claimRevision(session, leaseId, at) {
      const result = await storage.claimRevision(session.ownerId, session.id, {
        version: session.version,
        leaseId,
        expiresAt: new Date(at + leaseMs).toISOString(),
        now: new Date(at).toISOString(),
      });
      if (result === 'not_found') throw new UaipError('not_found', 'Session not found');
      if (result === 'busy')
        throw new UaipError('conflict', 'An answer to this session is being processed', {
          retryAfterMs: leaseMs,
        });
      if (result === 'stale') throw new UaipError('conflict', 'The session changed meanwhile');
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

/** `claimSession` for a storage without it: read the session, then claim it at that version. */
async function readThenClaim(
  storage: Storage,
  ownerId: string,
  sessionId: string,
  claim: SessionClaim,
): Promise<SessionClaimed> {
  const session = await storage.getSession(ownerId, sessionId);
  if (!session) return { result: 'not_found', session: null };
  const result = await storage.claimQuestion(ownerId, sessionId, {
    ...claim,
    version: session.version,
  });
  return { result, session };
}
