import type { Principal } from '../auth/types';
import { loadFor } from '../orchestrator/access';
import type { Storage } from '../storage/types';
import { SESSION_EXPORT_FORMAT, type SessionExport } from './schema';

/**
 * The session as one document (see `sessionExportSchema`), for anyone who may read it: its
 * owner and its members, who can read all of it already. Another user's session is
 * `not_found`. The owner's id and the lease stay out of it.
 */
export async function exportSession(
  storage: Storage,
  principal: Principal,
  sessionId: string,
  exportedAt: string,
): Promise<SessionExport> {
  const { session, access } = await loadFor(storage, principal, sessionId, 'read');
  const { ownerId } = access;
  const [turns, history, calls, review] = await Promise.all([
    storage.listTurns(ownerId, sessionId),
    storage.listHistory(ownerId, sessionId),
    storage.listUsage(ownerId, sessionId),
    storage.getReview(ownerId, sessionId),
  ]);
  const { ownerId: _owner, lease: _lease, ...kept } = session;
  const document: SessionExport = {
    format: SESSION_EXPORT_FORMAT,
    version: 1,
    exportedAt,
    session: kept as SessionExport['session'],
    turns,
    history: history.map(
      ({ sessionId: _session, ...entry }) => entry as SessionExport['history'][number],
    ),
    usage: calls.map(({ sessionId: _session, ...call }) => call),
  };
  if (review) {
    const { sessionId: _session, ...rest } = review;
    document.review = rest;
  }
  return document;
}
