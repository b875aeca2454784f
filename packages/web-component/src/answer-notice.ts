import type { AnswerResult, Session } from './api-types';
import { listInWords } from './recorded-answers';

/** What the last answer came to, said at once. */
export interface Notice {
  text: string;
  /** An escalated answer, open items, or a revision waiting: worth a second look. */
  warning: boolean;
}

/** How many open items a stage of `session` has (failed gate, escalated answers). */
export type OpenCount = (session: Session, stageId: string) => number;

const items = (count: number) => `${count} open ${count === 1 ? 'item' : 'items'}`;

function scored({ outcome }: AnswerResult, maxAttempts: number): Notice {
  const score = `${outcome.quality.score}/10`;
  return outcome.escalated
    ? {
        text: `Your answer was kept with a score of ${score}: it was the last of ${maxAttempts} tries, so it is listed under open items.`,
        warning: true,
      }
    : { text: `Answer accepted with a score of ${score}.`, warning: false };
}

/**
 * What became of an answer to the pending question of `before`: its score, kept after the
 * last try, the stage done (with its open items); or where a revision stands. Null for a
 * follow-up outside a revision (the question box says it).
 */
export function answerNotice(
  before: Session,
  result: AnswerResult,
  openCount: OpenCount,
): Notice | null {
  const asked = before.pendingQuestion;
  if (result.revision) return revisionNotice(result, asked?.maxAttempts ?? 3, openCount);
  if (!asked || result.outcome.kind === 'follow_up') return null;
  const notice = scored(result, asked.maxAttempts);
  const stage = result.session.stages.find((candidate) => candidate.id === asked.stageId);
  if (stage?.status !== 'completed') return notice;
  const open = openCount(result.session, stage.id);
  if (open === 0) return { ...notice, text: `${notice.text} ${stage.title} is done.` };
  return {
    text: `${notice.text} ${stage.title} is done with ${items(open)}: open its card to see ${open === 1 ? 'it' : 'them'}.`,
    warning: true,
  };
}

/** Where a revision stands after a turn of it: waiting on a question, or done and rebuilt. */
export function revisionNotice(
  result: AnswerResult,
  maxAttempts: number,
  openCount: OpenCount,
): Notice | null {
  const { session, revision } = result;
  if (!revision) return null;
  const titles = (ids: string[]) =>
    ids.map((id) => session.stages.find((stage) => stage.id === id)?.title ?? id);
  if (revision.status === 'follow_up') {
    const stale = titles(revision.stale);
    const marked =
      stale.length === 0
        ? ''
        : ` Until then, ${listInWords(stale)} ${stale.length === 1 ? 'shows' : 'show'} as being rebuilt.`;
    return {
      text: `Your new answer needs more detail: answer the follow-up question below to finish the revision.${marked}`,
      warning: true,
    };
  }
  const accepted = scored(result, maxAttempts).text;
  if (revision.status === 'gap') {
    const [stage] = titles([session.pendingQuestion?.stageId ?? '']);
    return {
      text: `${accepted} ${stage} now misses something: answer the gap question below to finish the revision.`,
      warning: true,
    };
  }
  const charter = session.status === 'completed' ? ['the charter'] : [];
  const rebuilt = [...titles(revision.rebuilt), ...charter];
  const done =
    rebuilt.length === 0
      ? 'Revision done: nothing built on this answer needed rebuilding.'
      : `Revision done: rebuilt ${listInWords(rebuilt)}.`;
  const open = revision.rebuilt.reduce((sum, id) => sum + openCount(session, id), 0);
  return {
    text: `${accepted} ${done}${open > 0 ? ` The rebuilt stages have ${items(open)}: open their cards to see them.` : ''}`,
    warning: open > 0 || result.outcome.escalated,
  };
}

/**
 * What a turn completed, for the element's events: the stages an answer completed and whether
 * it completed the session; a revision completes no stage, and the session again once done.
 */
export function completions(
  before: Session,
  { session: after, revision }: AnswerResult,
): { stages: string[]; session: boolean } {
  if (revision)
    return { stages: [], session: revision.status === 'completed' && after.status === 'completed' };
  const wasDone = new Set(before.stages.filter((s) => s.status === 'completed').map((s) => s.id));
  return {
    stages: after.stages
      .filter((stage) => stage.status === 'completed' && !wasDone.has(stage.id))
      .map((stage) => stage.id),
    session: after.status === 'completed' && before.status !== 'completed',
  };
}
