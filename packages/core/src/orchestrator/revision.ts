import type {
  PendingQuestionRecord,
  RevisionRecord,
  SessionRecord,
  StageRecord,
  TurnRecord,
} from '../storage/types';
import type { Workflow } from '../workflow/types';

// Pure rules of revising an accepted answer: which turns are the record, which stages a
// revision makes stale, and the question it re-asks. No I/O, no clock, no ids (they come in).

/**
 * The transcript as the record stands: every turn but the accepted answers an accepted
 * revision has replaced. Rejected attempts stay (they never reach an artifact).
 */
export function effectiveTurns(turns: TurnRecord[]): TurnRecord[] {
  const replaced = new Set<string>();
  for (const turn of turns)
    if (turn.accepted && turn.revisesTurnId) replaced.add(turn.revisesTurnId);
  return replaced.size === 0 ? turns : turns.filter((turn) => !replaced.has(turn.id));
}

/** Why a turn cannot be revised, or null when it can. */
export function revisionRefusal(turns: TurnRecord[], turnId: string): string | null {
  const target = turns.find((turn) => turn.id === turnId);
  if (!target) return 'not_found';
  if (!target.accepted) return 'Only an accepted answer can be revised; this one was followed up';
  const newer = turns.find((turn) => turn.accepted && turn.revisesTurnId === turnId);
  if (newer) return `This answer was revised since: revise turn ${newer.id} instead`;
  return null;
}

/**
 * The stages a revision of an answer in `stageId` must re-extract, in workflow order: that
 * stage if it has an artifact, and every later stage that has one (their extraction saw the
 * earlier artifacts). A stage still being answered has none yet and picks the change up.
 */
export function stagesToRebuild(workflow: Workflow, session: SessionRecord, stageId: string) {
  const from = workflow.stages.findIndex((stage) => stage.id === stageId);
  return workflow.stages
    .slice(from)
    .map((stage) => session.stages.find((record) => record.stageId === stage.id)!)
    .filter((record) => record.artifact !== null && record.status !== 'active')
    .map((record) => record.stageId);
}

/** The question a revision answers: the revised topic's (or gap's) question as first asked. */
export function revisionQuestion(
  turns: TurnRecord[],
  target: TurnRecord,
  maxAttempts: number,
  seed: { id: string; now: string },
): PendingQuestionRecord {
  // A topic's question as first asked; a gap answer's own gap question (a stage may have had
  // more than one): the nearest gap question asked before it.
  const index = turns.findIndex((turn) => turn.id === target.id);
  const first =
    target.topicId === null
      ? turns
          .slice(0, index + 1)
          .reverse()
          .find((turn) => turn.stageId === target.stageId && turn.kind === 'gap')
      : turns.find((turn) => turn.stageId === target.stageId && turn.topicId === target.topicId);
  return {
    id: seed.id,
    stageId: target.stageId,
    topicId: target.topicId,
    kind: target.topicId === null ? 'gap' : 'question',
    text: first?.question ?? target.question,
    attempt: 1,
    maxAttempts,
    lastScore: null,
    issues: [],
    askedAt: seed.now,
    revisesTurnId: target.id,
  };
}

/** The session as a revision starts: the stale stages marked, the revision's question pending. */
export function startRevision(
  session: SessionRecord,
  revision: RevisionRecord,
  question: PendingQuestionRecord,
): { session: SessionRecord; marked: StageRecord[] } {
  const marked: StageRecord[] = [];
  const stages = session.stages.map((stage) => {
    if (!revision.stale.includes(stage.stageId)) return stage;
    const stale: StageRecord = { ...stage, status: 'stale' };
    marked.push(stale);
    return stale;
  });
  return {
    session: {
      ...session,
      stages,
      status: 'active',
      currentStageId: revision.stageId,
      pending: question,
      revision,
    },
    marked,
  };
}
