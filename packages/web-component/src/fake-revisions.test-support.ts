import type { PendingQuestion, RevisionSummary, Session, SessionHistory, Turn } from './api-types';
import { error, fakeReport, SAMPLE_ARTIFACT } from './fake-data.test-support';

// Revisions of earlier answers and the history, for the fake server (fake-api.test-support.ts),
// following the core's rules: the record is the accepted turns no accepted revision replaced;
// a revision marks the completed stages from the edited one on `stale`, re-asks the topic's
// question, and once its answer is accepted rebuilds them in order (a gate that now fails
// asks one gap question, for what it newly misses), then resumes the question the session waited on, or completes it
// again with a new report.

/** A turn as the fake keeps it; `revisedBy` is worked out when the transcript is read. */
export type FakeTurn = Omit<Turn, 'revisedBy'>;

/** What the revisions need of the fake server. */
export interface RevisionContext {
  transcripts: Map<string, FakeTurn[]>;
  /** Publishes an event on the session's stream. */
  event(session: Session, extra: Record<string, unknown>): void;
  question(
    stageId: string,
    kind: 'question' | 'follow_up' | 'gap',
    attempt?: number,
  ): PendingQuestion;
  next(prefix: string): string;
  ownerOf(session: Session): string;
}

interface FakeRevision {
  id: string;
  turnId: string;
  /** Whether the new answer was accepted (then only gap questions it asked are pending). */
  answered: boolean;
  stale: string[];
  gapsAsked: string[];
  resume: { pending: PendingQuestion | null; currentStageId: string | null };
}

/** The transcript as the contract shows it: each replaced answer points at its revision. */
export function toTurns(turns: FakeTurn[]): Turn[] {
  const revisedBy = new Map<string, string>();
  for (const turn of turns)
    if (turn.accepted && turn.revisesTurnId) revisedBy.set(turn.revisesTurnId, turn.id);
  return turns.map((turn) => ({
    ...structuredClone(turn),
    revisedBy: revisedBy.get(turn.id) ?? null,
  }));
}

export function createFakeRevisions(context: RevisionContext) {
  const under = new Map<string, FakeRevision>();
  const histories = new Map<string, Omit<SessionHistory, 'answers'>>();

  function historyOf(sessionId: string) {
    let history = histories.get(sessionId);
    if (!history) {
      history = { artifacts: [], results: [], reports: [] };
      histories.set(sessionId, history);
    }
    return history;
  }
  const entry = (session: Session) => ({
    version: session.version,
    actorId: context.ownerOf(session),
    revisionId: under.get(session.id)?.id ?? null,
    at: new Date().toISOString(),
  });

  /** Keeps the version of a stage's artifact just built. */
  function keepArtifact(session: Session, stageId: string) {
    const stage = session.stages.find((candidate) => candidate.id === stageId)!;
    historyOf(session.id).artifacts.push({
      ...entry(session),
      stageId,
      artifact: structuredClone(stage.artifact),
      gate: structuredClone(stage.gate ?? null),
    });
  }

  /** Keeps the result and the report of a session that just completed. */
  function keepCompletion(session: Session) {
    const history = historyOf(session.id);
    const report = fakeReport(session);
    history.results.push({ ...entry(session), result: { decision: report.decision.decision } });
    history.reports.push({ ...entry(session), report });
  }

  /**
   * Starts a revision of `turnId` with its question pending, or says why not (the contract's
   * 409, 404, 422 and 400). The caller then answers that question with the new answer.
   */
  function start(session: Session, turnId: string, answer: unknown): Response | null {
    if (under.has(session.id))
      return error(
        409,
        'conflict',
        'A revision of this session is under way: answer its pending question first',
      );
    const turns = context.transcripts.get(session.id) ?? [];
    const target = turns.find((turn) => turn.id === turnId);
    if (!target) return error(404, 'not_found', 'Turn not found');
    if (!target.accepted)
      return error(
        422,
        'invalid_state',
        'Only an accepted answer can be revised; this one was followed up',
      );
    const newer = turns.find((turn) => turn.accepted && turn.revisesTurnId === turnId);
    if (newer)
      return error(
        422,
        'invalid_state',
        `This answer was revised since: revise turn ${newer.id} instead`,
      );
    if (typeof answer !== 'string' || answer.trim() === '')
      return error(400, 'validation_failed', 'answer: must not be blank');
    const from = session.stages.findIndex((stage) => stage.id === target.stageId);
    const revision: FakeRevision = {
      id: context.next('revision'),
      turnId,
      answered: false,
      stale: session.stages
        .slice(from)
        .filter((stage) => stage.status === 'completed')
        .map((stage) => stage.id),
      gapsAsked: [],
      resume: { pending: session.pendingQuestion, currentStageId: session.currentStageId },
    };
    under.set(session.id, revision);
    for (const stage of session.stages)
      if (revision.stale.includes(stage.id)) stage.status = 'stale';
    const asked = context.question(target.stageId, target.kind === 'gap' ? 'gap' : 'question');
    Object.assign(session, {
      status: 'active',
      currentStageId: target.stageId,
      pendingQuestion: asked,
    });
    context.event(session, {
      type: 'revision.started',
      revisionId: revision.id,
      turnId,
      stageId: target.stageId,
      stale: revision.stale,
    });
    return null;
  }

  /** Where the session's revision stands while a follow-up to its answer is pending. */
  function followedUp(session: Session): RevisionSummary | undefined {
    const revision = under.get(session.id);
    if (!revision) return undefined;
    return { ...summary(revision, 'follow_up', []), stale: [...revision.stale] };
  }

  const summary = (
    revision: FakeRevision,
    status: RevisionSummary['status'],
    rebuilt: string[],
  ): RevisionSummary => ({
    id: revision.id,
    turnId: revision.turnId,
    status,
    rebuilt,
    stale: status === 'completed' ? [] : [...revision.stale],
  });

  /**
   * After an accepted answer of the session's revision (the new answer, or a gap answer it
   * asked for): rebuilds the stale stages in order; null when no revision is under way.
   */
  function accepted(
    session: Session,
    turn: FakeTurn,
  ): { kind: 'accepted' | 'revision_completed'; revision: RevisionSummary } | null {
    const revision = under.get(session.id);
    if (!revision) return null;
    revision.answered = true;
    const rebuilt: string[] = [];
    while (revision.stale.length > 0) {
      const stageId = revision.stale[0]!;
      const stage = session.stages.find((candidate) => candidate.id === stageId)!;
      const here = stageId === turn.stageId;
      const artifact =
        here && turn.kind !== 'gap'
          ? { ...SAMPLE_ARTIFACT, businessObjective: turn.answer }
          : stage.artifact;
      const before = stage.gate ?? { passed: true, missing: [] };
      const failed = here && turn.answer.includes('fails gate');
      const gate = !here
        ? before
        : { passed: !failed, missing: failed ? ['a baseline for KPI "NPS"'] : [] };
      Object.assign(stage, { artifact, gate });
      keepArtifact(session, stageId);
      // A gap question only for what the revision broke (what was missed before was asked).
      const newlyMissing = gate.missing.some((item) => !before.missing.includes(item));
      if (!gate.passed && newlyMissing && !revision.gapsAsked.includes(stageId)) {
        revision.gapsAsked.push(stageId);
        stage.status = 'active';
        session.currentStageId = stageId;
        session.pendingQuestion = context.question(stageId, 'gap');
        return { kind: 'accepted', revision: summary(revision, 'gap', rebuilt) };
      }
      stage.status = 'completed';
      rebuilt.push(stageId);
      revision.stale.shift();
      context.event(session, {
        type: 'stage.reextracted',
        revisionId: revision.id,
        stageId,
        gatePassed: gate.passed,
      });
    }
    const { pending, currentStageId } = revision.resume;
    Object.assign(session, {
      status: pending ? 'active' : 'completed',
      currentStageId,
      pendingQuestion: pending,
    });
    if (!pending) {
      keepCompletion(session);
      context.event(session, { type: 'session.completed' });
    }
    under.delete(session.id);
    context.event(session, {
      type: 'revision.completed',
      revisionId: revision.id,
      turnId: revision.turnId,
      rebuilt,
      resultRebuilt: !pending,
    });
    return { kind: 'revision_completed', revision: summary(revision, 'completed', rebuilt) };
  }

  return {
    start,
    followedUp,
    accepted,
    keepArtifact,
    keepCompletion,
    /** The turn the pending question's answer revises (not a gap question's answer). */
    revising(sessionId: string): string | null {
      const revision = under.get(sessionId);
      return revision && !revision.answered ? revision.turnId : null;
    },
    /** `GET /sessions/:id/history`. */
    history(session: Session): SessionHistory {
      const answers = toTurns(context.transcripts.get(session.id) ?? []);
      return { answers, ...structuredClone(historyOf(session.id)) };
    },
  };
}
