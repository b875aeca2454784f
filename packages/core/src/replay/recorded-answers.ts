import type { SessionExport } from '../export/schema';
import { effectiveTurns } from '../orchestrator/revision';
import type { QuestionKind } from '../storage/types';
import type { AnswerDecision, AnswerVerdict } from './types';

type RecordedTurn = SessionExport['turns'][number];

/** What is sent when the old run has no answer to a question the new run asks. */
export const NOTHING_RECORDED =
  'Nothing more was recorded for this question in the session being replayed.';

/**
 * A question's answers are keyed by stage and topic: a topic question and its follow-ups
 * share a key, and a stage's gap question and its follow-ups (no topic) share another.
 */
export const answerKey = (stageId: string, topicId: string | null) =>
  topicId === null ? `${stageId}#gap` : `${stageId}/${topicId}`;

export const decisionOf = (turn: { accepted: boolean; escalated: boolean }): AnswerDecision =>
  !turn.accepted ? 'follow_up' : turn.escalated ? 'escalated' : 'accepted';

/** The answer to send, and which recorded turn it was (for the old verdict). */
export interface Pick {
  text: string;
  source: 'recorded' | 'repeated' | 'none';
  old: AnswerVerdict | null;
}

/** A recorded answer the new run never sent. */
export interface Unsent {
  key: string;
  stageId: string;
  topicId: string | null;
  kind: QuestionKind;
  attempt: number;
  answer: string;
  old: AnswerVerdict;
}

/**
 * The old run's answers per question, in the order given. A revised answer counts as given
 * after the answers before it (the answer it replaced is dropped, as in the charter), so the
 * question's accepted answer is the revision's.
 */
export function recordedAnswers(document: SessionExport) {
  const byKey = new Map<string, RecordedTurn[]>();
  for (const turn of effectiveTurns(document.turns)) {
    const key = answerKey(turn.stageId, turn.topicId);
    byKey.set(key, [...(byKey.get(key) ?? []), turn]);
  }
  const sent = new Map<string, number>();

  return {
    /**
     * The answer to the new run's next question on `key`: the old run's answer at the same
     * attempt; past the old run's last one, its accepted answer again; none at all, a fixed
     * "nothing recorded" (which a scorer rates low, so it ends in an escalation, not a loop).
     */
    next(key: string): Pick {
      const turns = byKey.get(key) ?? [];
      const index = sent.get(key) ?? 0;
      sent.set(key, index + 1);
      const turn = turns[index];
      if (turn) return { text: turn.answer, source: 'recorded', old: verdict(turn) };
      const accepted = turns.findLast((candidate) => candidate.accepted) ?? turns.at(-1);
      return accepted
        ? { text: accepted.answer, source: 'repeated', old: null }
        : { text: NOTHING_RECORDED, source: 'none', old: null };
    },
    /** The recorded answers never sent, in the old run's order. */
    unsent(): Unsent[] {
      return [...byKey].flatMap(([key, turns]) =>
        turns.slice(sent.get(key) ?? 0).map((turn, index) => ({
          key,
          stageId: turn.stageId,
          topicId: turn.topicId,
          kind: turn.kind,
          attempt: (sent.get(key) ?? 0) + index + 1,
          answer: turn.answer,
          old: verdict(turn),
        })),
      );
    },
  };
}

const verdict = (turn: RecordedTurn): AnswerVerdict => ({
  score: turn.score,
  decision: decisionOf(turn),
});
