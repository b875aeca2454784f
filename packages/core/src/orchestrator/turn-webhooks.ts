import type { SessionRecord, StageRecord } from '../storage/types';
import type { SessionEvent } from './events';

/**
 * The events of a turn that webhooks can carry, known before it commits (so their outbox
 * messages are written with it): the same `stage.completed` and `session.completed` the turn
 * announces once committed.
 */
export function turnWebhookEvents(
  committed: SessionRecord,
  completedStage: StageRecord | null,
): SessionEvent[] {
  const { id: sessionId, version, updatedAt: at } = committed;
  const events: SessionEvent[] = [];
  if (completedStage) {
    events.push({
      sessionId,
      version,
      at,
      type: 'stage.completed',
      stageId: completedStage.stageId,
      gatePassed: completedStage.gate?.passed ?? true,
    });
  }
  if (committed.status === 'completed')
    events.push({ sessionId, version, at, type: 'session.completed' });
  return events;
}
