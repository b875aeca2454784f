import type { SessionExport } from '../export/schema';
import type { Storage } from '../storage/types';

/**
 * A session of a storage as a session export, built from its records, for the replay's tests
 * and benchmark until the orchestrator exports sessions itself. Stamped with the session's
 * last update, not the wall clock.
 */
export async function exportOf(
  storage: Storage,
  ownerId: string,
  sessionId: string,
): Promise<SessionExport> {
  const record = await storage.getSession(ownerId, sessionId);
  if (!record) throw new Error(`exportOf: no session ${sessionId}`);
  const { ownerId: _owner, lease: _lease, ...session } = record;
  const [turns, history, calls] = await Promise.all([
    storage.listTurns(ownerId, sessionId),
    storage.listHistory(ownerId, sessionId),
    storage.listUsage(ownerId, sessionId),
  ]);
  // Not parsed with sessionExportSchema: its quality.threshold allows 0 to 1, the engine's
  // scores 0 to 10 (7 by default), so every recorded session would be refused.
  return {
    format: 'uaip.session',
    version: 1,
    exportedAt: record.updatedAt,
    session,
    turns,
    history: history.map(({ sessionId: _id, ...entry }) => entry),
    usage: calls.map(({ sessionId: _id, ...call }) => call),
  } as SessionExport;
}
