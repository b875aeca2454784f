import type { Session } from './api-types';
import type { StageAnswers } from './recorded-answers';
import type { OpenItems } from './stage-progress';

/** An answer kept as the last allowed try although it scored under the threshold. */
export interface EscalatedAnswer {
  stageId: string;
  /** The question as first asked. */
  question: string;
  score: number;
}

/** Each stage's open items: what its gate still misses, and its escalated answers. */
export function openItems(session: Session, escalated: readonly EscalatedAnswer[]): OpenItems {
  const items = new Map<string, string[]>();
  for (const stage of session.stages) {
    const list = (stage.gate?.passed === false ? stage.gate.missing : []).map(
      (missing) => `Missing: ${missing}`,
    );
    for (const answer of escalated.filter((item) => item.stageId === stage.id)) {
      list.push(`Answer kept with a score of ${answer.score}/10: "${answer.question}"`);
    }
    if (list.length > 0) items.set(stage.id, list);
  }
  return items;
}

/** The escalated answers of the record (a revision that replaced one takes it off). */
export function escalatedAnswers(groups: readonly StageAnswers[]): EscalatedAnswer[] {
  return groups.flatMap(({ answers }) =>
    answers
      .filter(({ turn }) => turn.escalated)
      .map(({ turn, question }) => ({ stageId: turn.stageId, question, score: turn.score })),
  );
}
