import type { Session, SessionStage, Turn } from './api-types';

/** One answer of the record, with the question as first asked. */
export interface RecordedAnswer {
  turn: Turn;
  /** The topic's (or the gap's) question as first asked, not the last follow-up. */
  question: string;
}

/** A stage's answers of the record, in the order their questions were first asked. */
export interface StageAnswers {
  stage: SessionStage;
  answers: RecordedAnswer[];
}

const isRecord = (turn: Turn) => turn.accepted && turn.revisedBy === null;

/**
 * The record of a session, stage by stage: the accepted answers that no revision replaced
 * (the only ones that can be revised). A stage without answers is left out.
 */
export function recordedAnswers(session: Session, turns: readonly Turn[]): StageAnswers[] {
  // Where the question of a turn was first asked: the nearest earlier turn on its topic that
  // is not a follow-up (a revision asks the topic's question again, so it is its own).
  const firstAsked = (index: number) => {
    const turn = turns[index]!;
    for (let at = index; at >= 0; at--) {
      const candidate = turns[at]!;
      const sameTopic =
        candidate.stageId === turn.stageId &&
        (candidate.topicId ?? null) === (turn.topicId ?? null);
      if (sameTopic && candidate.kind !== 'follow_up') return at;
    }
    return index;
  };
  // Answers sort by their topic's first question, so a revised answer keeps its place.
  const topicStart = (turn: Turn) =>
    turns.findIndex(
      (candidate) =>
        candidate.stageId === turn.stageId &&
        (candidate.topicId ?? null) === (turn.topicId ?? null),
    );
  const recorded = turns
    .map((turn, index) => ({ turn, index }))
    .filter(({ turn }) => isRecord(turn))
    .map(({ turn, index }) => ({
      turn,
      question: turns[firstAsked(index)]!.question,
      order: turn.topicId ? topicStart(turn) : index,
    }))
    .sort((a, b) => a.order - b.order);
  return session.stages
    .map((stage) => ({
      stage,
      answers: recorded
        .filter((item) => item.turn.stageId === stage.id)
        .map(({ turn, question }) => ({ turn, question })),
    }))
    .filter((group) => group.answers.length > 0);
}

/** What revising an answer of `stageId` will rebuild. */
export interface RebuildPlan {
  /** The completed stages from the answer's stage on, in order (a stage in progress is not). */
  stages: SessionStage[];
  /** Whether the session is completed, so its charter and decision are rebuilt too. */
  charter: boolean;
}

/** What a revision of an answer in `stageId` will re-run, as the server decides it. */
export function rebuildPlan(session: Session, stageId: string): RebuildPlan {
  const from = session.stages.findIndex((stage) => stage.id === stageId);
  return {
    stages: session.stages.slice(Math.max(from, 0)).filter((stage) => stage.status === 'completed'),
    charter: session.status === 'completed',
  };
}

/** "A", "A and B", "A, B and C". */
export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** The preview shown before a revision is sent: what saving it will re-run. */
export function previewText(plan: RebuildPlan): string {
  const parts = plan.stages.map((stage) => stage.title);
  if (plan.charter) parts.push('the charter (its decision may change)');
  if (parts.length === 0)
    return 'Saving will re-check this answer; nothing built on it needs rebuilding yet.';
  return `Saving will re-check this answer, then rebuild: ${listInWords(parts)}. No question is asked again unless a rebuilt stage now misses something.`;
}

/**
 * Whether a revision seems to wait on its pending question: stages are being rebuilt, or the
 * last answer was a revision's that got a follow-up. (The session does not say so itself; the
 * server's 409 covers what this cannot see.)
 */
export function revisionUnderWay(session: Session, turns: readonly Turn[] | null): boolean {
  if (session.stages.some((stage) => stage.status === 'stale')) return true;
  const last = turns?.at(-1);
  return !!last && last.revisesTurnId !== null && !last.accepted;
}
