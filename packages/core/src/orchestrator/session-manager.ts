import { UaipError } from '../errors';
import type { SessionRecord, Storage, TurnCommit } from '../storage/types';

/** Session lifecycle over a `Storage`: every load checks the owner, every write is fenced. */
export interface SessionManager {
  /** The session, or `not_found` (also for another owner's). */
  load(ownerId: string, sessionId: string): Promise<SessionRecord>;
  /** Claims the pending question for one turn, or `conflict` at once. */
  claim(session: SessionRecord, questionId: string, leaseId: string, now: number): Promise<void>;
  release(session: SessionRecord, leaseId: string): Promise<void>;
  /** Commits a turn, or `conflict` when the lease was lost to another answer. */
  commit(session: SessionRecord, commit: TurnCommit): Promise<void>;
}

export function createSessionManager(storage: Storage, leaseMs: number): SessionManager {
  return {
    async load(ownerId, sessionId) {
      const session = await storage.getSession(ownerId, sessionId);
      if (!session) throw new UaipError('not_found', 'Session not found');
      return session;
    },
    async claim(session, questionId, leaseId, now) {
      const result = await storage.claimQuestion(session.ownerId, session.id, {
        version: session.version,
        questionId,
        leaseId,
        expiresAt: new Date(now + leaseMs).toISOString(),
        now: new Date(now).toISOString(),
      });
      if (result === 'not_found') throw new UaipError('not_found', 'Session not found');
      if (result === 'busy')
        throw new UaipError('conflict', 'Another answer to this question is being processed');
      if (result === 'stale') throw new UaipError('conflict', 'This question is no longer pending');
    },
    release: (session, leaseId) => storage.releaseClaim(session.ownerId, session.id, leaseId),
    async commit(session, commit) {
      const committed = await storage.commitTurn(session.ownerId, session.id, commit);
      if (!committed) throw new UaipError('conflict', 'Another answer to this question won');
    },
  };
}
