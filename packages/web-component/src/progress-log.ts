import type { SessionEvent, SessionUsage } from './api-types';
import { humanize } from './artifact-view';

const PURPOSES: Record<string, string> = {
  scoring: 'Scoring the answer',
  follow_up: 'Writing a follow-up question',
  extraction: 'Summarising the stage',
  consistency_review: 'Reviewing the stages for consistency',
  charter_summary: 'Writing the charter summary',
};

/**
 * One line of live progress for an event of the session's stream, in plain words; null for
 * events a person need not see.
 */
export function describeEvent(
  event: SessionEvent,
  stageTitle: (stageId: string) => string,
): string | null {
  switch (event.type) {
    case 'turn.started':
      return 'Answer received.';
    case 'llm.attempt': {
      const purpose = PURPOSES[event.purpose] ?? humanize(event.purpose);
      const seconds = (event.latencyMs / 1000).toFixed(1);
      return `${purpose}: ${event.provider} (${event.model}) — ${event.outcome}, ${seconds} s.`;
    }
    case 'llm.fallback':
      return `${event.from} failed (${event.reason}); trying ${event.to}.`;
    case 'answer.scored':
      return `Scored ${event.score}/10 (${event.score >= event.threshold ? 'enough' : `${event.threshold} needed`}).`;
    case 'question.asked':
      return event.kind === 'follow_up'
        ? 'A follow-up question is ready.'
        : 'The next question is ready.';
    case 'stage.completed':
      return `Stage completed: ${stageTitle(event.stageId)}.`;
    case 'session.completed':
      return 'All stages completed.';
    case 'revision.started':
      return event.stale.length === 0
        ? 'Revision started: nothing built on this answer needs rebuilding.'
        : `Revision started: ${event.stale.map(stageTitle).join(', ')} will be rebuilt once the new answer is accepted.`;
    case 'stage.reextracted':
      return `Rebuilt: ${stageTitle(event.stageId)}${event.gatePassed ? '' : ' (it now misses something)'}.`;
    case 'revision.completed':
      return event.resultRebuilt ? 'Revision done; the charter was rebuilt.' : 'Revision done.';
    case 'error':
      return `Problem: ${event.message}`;
    default:
      return null;
  }
}

const count = new Intl.NumberFormat('en');

/** The session's tokens and cost in one line. */
export function describeUsage(usage: SessionUsage): string {
  const tokens = usage.inputTokens + usage.outputTokens;
  const cost = usage.costUsd.toFixed(usage.costUsd >= 1 ? 2 : 4);
  const unpriced = usage.unpricedCalls
    ? ` (+ ${usage.unpricedCalls} ${usage.unpricedCalls === 1 ? 'call' : 'calls'} without a known price)`
    : '';
  return `${count.format(tokens)} tokens (${count.format(usage.inputTokens)} in, ${count.format(usage.outputTokens)} out) · $${cost}${unpriced}`;
}
