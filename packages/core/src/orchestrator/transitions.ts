import type { GateResult, PendingQuestionRecord, StageRecord } from '../storage/types';
import type { StageContext, Workflow } from '../workflow/types';
import type { AnswerScore } from './quality';

// Pure state changes of a session: no I/O, no clock, no id generation (both come in as
// `seed`), so every rule here is unit-tested on plain data.

/** What a new question needs from outside: its id and the time it is asked. */
export interface QuestionSeed {
  id: string;
  now: string;
}

/** The first question of a topic. */
export function topicQuestion(
  workflow: Workflow,
  stageIndex: number,
  topicIndex: number,
  context: StageContext,
  maxAttempts: number,
  seed: QuestionSeed,
): PendingQuestionRecord {
  const stage = workflow.stages[stageIndex]!;
  const topic = stage.topics[topicIndex]!;
  const text = typeof topic.question === 'function' ? topic.question(context) : topic.question;
  return {
    id: seed.id,
    stageId: stage.id,
    topicId: topic.id,
    kind: 'question',
    text,
    attempt: 1,
    maxAttempts,
    lastScore: null,
    issues: [],
    askedAt: seed.now,
  };
}

/** The follow-up after an answer scored under the threshold: same topic, next attempt. */
export function followUpQuestion(
  pending: PendingQuestionRecord,
  score: AnswerScore,
  seed: QuestionSeed,
): PendingQuestionRecord {
  const text =
    score.followUp.trim() ||
    (score.issues.length > 0
      ? `Could you add more detail? In particular: ${score.issues.join('; ')}.`
      : 'Could you be more specific, with concrete examples and figures?');
  return {
    ...pending,
    id: seed.id,
    kind: 'follow_up',
    text,
    attempt: pending.attempt + 1,
    lastScore: score.score,
    issues: score.issues,
    askedAt: seed.now,
    originalText: pending.originalText ?? pending.text,
  };
}

/** The one gap question of a stage whose gate failed. */
export function gapQuestion(
  workflow: Workflow,
  stageId: string,
  missing: string[],
  context: StageContext,
  maxAttempts: number,
  seed: QuestionSeed,
): PendingQuestionRecord {
  const stage = workflow.stages.find((candidate) => candidate.id === stageId)!;
  const text = stage.gapQuestion
    ? stage.gapQuestion(missing, context)
    : `Before we finish "${stage.title}", a few things are still missing: ${missing.join('; ')}. Could you cover them?`;
  return {
    id: seed.id,
    stageId,
    topicId: null,
    kind: 'gap',
    text,
    attempt: 1,
    maxAttempts,
    lastScore: null,
    issues: missing,
    askedAt: seed.now,
  };
}

/** The position of the topic after the pending one, or `null` when the stage has no more. */
export function nextTopic(
  workflow: Workflow,
  pending: PendingQuestionRecord,
): { stageIndex: number; topicIndex: number } | null {
  if (pending.kind === 'gap' || pending.topicId === null) return null;
  const stageIndex = workflow.stages.findIndex((stage) => stage.id === pending.stageId);
  const topicIndex = workflow.stages[stageIndex]!.topics.findIndex(
    (topic) => topic.id === pending.topicId,
  );
  const next = topicIndex + 1;
  return next < workflow.stages[stageIndex]!.topics.length
    ? { stageIndex, topicIndex: next }
    : null;
}

/** What follows a stage's extracted artifact and gate. */
export type AfterGate =
  | { kind: 'ask_gap' }
  | { kind: 'complete_stage'; nextStageIndex: number | null };

/**
 * After extraction: a failing gate gets one gap question; otherwise, or when the gap was
 * already asked, the stage completes (with its gate result, passed or not: no dead ends) and
 * the next stage starts, if there is one.
 */
export function afterGate(workflow: Workflow, stage: StageRecord, gate: GateResult): AfterGate {
  if (!gate.passed && !stage.gapAsked) return { kind: 'ask_gap' };
  const index = workflow.stages.findIndex((candidate) => candidate.id === stage.stageId);
  return {
    kind: 'complete_stage',
    nextStageIndex: index + 1 < workflow.stages.length ? index + 1 : null,
  };
}

/** The stage records of a brand-new session: the first stage active, the rest pending. */
export function initialStages(workflow: Workflow): StageRecord[] {
  return workflow.stages.map((stage, index) => ({
    stageId: stage.id,
    status: index === 0 ? 'active' : 'pending',
    artifact: null,
    gate: null,
    gapAsked: false,
    completedAt: null,
  }));
}

/** The context questions and gates see: the artifacts of the completed stages. */
export function stageContext(session: {
  title: string;
  idea: string;
  stages: StageRecord[];
}): StageContext {
  const artifacts: Record<string, unknown> = {};
  for (const stage of session.stages) {
    if (stage.status === 'completed' && stage.artifact !== null)
      artifacts[stage.stageId] = stage.artifact;
  }
  return { title: session.title, idea: session.idea, artifacts };
}
