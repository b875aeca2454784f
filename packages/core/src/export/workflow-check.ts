import type { ErrorDetail } from '../errors';
import type { Workflow } from '../workflow/types';
import type { SessionExport } from './schema';

type Question = NonNullable<SessionExport['session']['pending']>;

/**
 * What in a (schema-valid) session export does not fit its workflow or itself: stages other
 * than the workflow's, unknown stage or topic ids, a pending question that disagrees with the
 * status, references to turns the document does not have. An import that passed these can be
 * answered, revised and reported on like a session started here.
 */
export function checkAgainstWorkflow(document: SessionExport, workflow: Workflow): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const fail = (path: string, message: string): void => {
    problems.push({ path, message });
  };
  const topics = new Map(
    workflow.stages.map((stage) => [stage.id, new Set(stage.topics.map((t) => t.id))]),
  );
  const stageOk = (path: string, stageId: string | null, nullable = false): void => {
    if (stageId === null ? !nullable : !topics.has(stageId)) {
      fail(path, `Workflow "${workflow.id}" has no stage ${JSON.stringify(stageId)}`);
    }
  };
  const topicOk = (path: string, stageId: string, topicId: string | null) => {
    if (topicId !== null && topics.has(stageId) && !topics.get(stageId)!.has(topicId)) {
      fail(path, `Stage "${stageId}" has no topic "${topicId}"`);
    }
  };

  const { session } = document;
  const expected = workflow.stages.map((stage) => stage.id).join(', ');
  if (session.stages.map((stage) => stage.stageId).join(', ') !== expected) {
    fail('session.stages', `Must be the workflow's stages in order: ${expected}`);
  }
  stageOk('session.currentStageId', session.currentStageId, true);
  if ((session.status === 'active') !== (session.pending !== null)) {
    fail('session.pending', 'An active session has a pending question; a completed one has none');
  }
  const current = session.stages.find((stage) => stage.stageId === session.currentStageId);
  if (session.status === 'completed') {
    if (session.currentStageId !== null || session.revision !== null) {
      fail('session.currentStageId', 'A completed session has no current stage or revision');
    }
    if (session.stages.some((stage) => stage.status !== 'completed')) {
      fail('session.stages', 'Every stage of a completed session is completed');
    }
  } else if (session.pending && session.pending.stageId !== session.currentStageId) {
    fail('session.pending.stageId', 'The pending question is of the current stage');
  } else if (!session.revision && current?.status !== 'active') {
    fail('session.currentStageId', 'The current stage is active');
  }

  const turnIds = new Set<string>();
  const turnRef = (path: string, id: string | null | undefined) => {
    if (id !== null && id !== undefined && !turnIds.has(id)) {
      fail(path, 'Refers to no earlier turn of this export');
    }
  };
  document.turns.forEach((turn, index) => {
    const path = `turns.${index}`;
    if (turnIds.has(turn.id)) fail(`${path}.id`, 'Two turns have this id');
    stageOk(`${path}.stageId`, turn.stageId);
    topicOk(`${path}.topicId`, turn.stageId, turn.topicId);
    turnRef(`${path}.revisesTurnId`, turn.revisesTurnId);
    turnIds.add(turn.id);
  });

  const question = (path: string, asked: Question | null) => {
    if (!asked) return;
    stageOk(`${path}.stageId`, asked.stageId);
    topicOk(`${path}.topicId`, asked.stageId, asked.topicId);
    turnRef(`${path}.revisesTurnId`, asked.revisesTurnId);
  };
  question('session.pending', session.pending);
  const { revision } = session;
  if (revision) {
    turnRef('session.revision.turnId', revision.turnId);
    stageOk('session.revision.stageId', revision.stageId);
    stageOk('session.revision.resumeStageId', revision.resumeStageId, true);
    question('session.revision.resume', revision.resume);
    for (const [i, id] of revision.stale.entries()) stageOk(`session.revision.stale.${i}`, id);
    for (const [i, id] of revision.gapsAsked.entries()) {
      stageOk(`session.revision.gapsAsked.${i}`, id);
    }
  }

  document.history.forEach((entry, index) => {
    stageOk(`history.${index}.stageId`, entry.stageId, entry.kind !== 'artifact');
    if (entry.sessionVersion > session.version) {
      fail(`history.${index}.sessionVersion`, 'Later than the session');
    }
  });
  for (const [index, call] of document.usage.entries()) {
    stageOk(`usage.${index}.stageId`, call.stageId, true);
  }
  return problems;
}
