import type { z } from 'zod';
import { attemptsOf, LlmCallError } from '../llm/errors';
import { generateObject } from '../llm/structured';
import type { GenerateOptions, LlmAttempt, LlmProvider, LlmRequest, Tier } from '../llm/types';
import type {
  GateResult,
  LlmCallRecord,
  PendingQuestionRecord,
  RevisionRecord,
  SessionRecord,
  SessionUpdate,
  StageRecord,
  TurnRecord,
} from '../storage/types';
import type {
  FinishContext,
  ScoringPromptInput,
  Stage,
  TopicAnswers,
  Workflow,
  WorkflowPrompts,
} from '../workflow/types';
import {
  type AnswerScore,
  answerScoreSchema,
  decideQuality,
  followUpSchema,
  type QualitySettings,
} from './quality';
import { effectiveTurns } from './revision';
import {
  afterGate,
  followUpQuestion,
  gapQuestion,
  nextTopic,
  stageContext,
  topicQuestion,
} from './transitions';
import type { LlmRequestText } from './turn-tracing';
import type { AnswerOutcome } from './view-types';

/** What a turn needs from outside. */
export interface TurnDependencies {
  llm: LlmProvider;
  prompts: WorkflowPrompts;
  quality: QualitySettings;
  now: () => number;
  newId: () => string;
  /** The session's earlier turns of one stage, oldest first. */
  stageTurns: (stageId: string) => Promise<TurnRecord[]>;
  signal?: AbortSignal;
  onFallback?: GenerateOptions['onFallback'];
  onRetry?: GenerateOptions['onRetry'];
}

/** Everything a turn produced, ready for one atomic commit. */
export interface TurnPlan {
  update: SessionUpdate;
  stages: StageRecord[];
  turn: TurnRecord;
  outcome: AnswerOutcome;
  /** The stage it completed, if any. */
  completedStage: StageRecord | null;
  /** The artifacts and the result it produced, to keep as versions in the history. */
  versions: ProducedVersion[];
  /** The stages a revision re-extracted in this turn, in order. */
  rebuilt: StageRecord[];
}

/** An artifact (with its gate) or a finish result a turn produced. */
export type ProducedVersion =
  | { kind: 'artifact'; stageId: string; value: unknown; gate: GateResult }
  | { kind: 'result'; stageId: null; value: unknown; gate: null };

/** Collects every LLM attempt of a turn, so even a failed turn's paid attempts are kept. */
export class CallLedger {
  readonly calls: LlmCallRecord[] = [];
  constructor(
    private readonly sessionId: string,
    private readonly promptVersion: string,
    private readonly newId: () => string,
    /** `request` and `reply` (the last attempt's, of a call that succeeded) go to tracing. */
    private readonly onCall: (
      call: LlmCallRecord,
      request: LlmRequestText | undefined,
      reply: unknown,
    ) => void = () => {},
  ) {}

  add(
    attempts: LlmAttempt[],
    purpose: string,
    stageId: string | null,
    request?: LlmRequestText,
    reply?: unknown,
  ): void {
    for (let index = 0; index < attempts.length; index++) {
      const attempt = attempts[index]!;
      const call: LlmCallRecord = {
        id: this.newId(),
        sessionId: this.sessionId,
        stageId,
        purpose,
        provider: attempt.provider,
        model: attempt.model,
        tier: attempt.tier,
        inputTokens: attempt.inputTokens,
        outputTokens: attempt.outputTokens,
        cacheReadTokens: attempt.cacheReadTokens,
        cacheWriteTokens: attempt.cacheWriteTokens,
        costUsd: attempt.costUsd,
        latencyMs: attempt.latencyMs,
        outcome: attempt.outcome,
        errorKind: attempt.errorKind,
        promptVersion: this.promptVersion,
        createdAt: attempt.at,
      };
      this.calls.push(call);
      this.onCall(call, request, index === attempts.length - 1 ? reply : undefined);
    }
  }
}

/**
 * One turn of the quality loop: score the answer, then ask a follow-up, move to the next
 * topic, or finish the stage (extract the artifact, run the gate, maybe ask the gap question)
 * and start the next stage or finish the session. Reads, calls the LLM, writes nothing.
 */
export async function runTurn(
  session: SessionRecord,
  workflow: Workflow,
  answer: string,
  deps: TurnDependencies,
  ledger: CallLedger,
): Promise<TurnPlan> {
  const pending = session.pending!;
  const stage = workflow.stages.find((candidate) => candidate.id === pending.stageId)!;
  const context = stageContext(session);
  const options: GenerateOptions = {};
  if (deps.signal) options.signal = deps.signal;
  if (deps.onFallback) options.onFallback = deps.onFallback;
  if (deps.onRetry) options.onRetry = deps.onRetry;
  const ask = async <T>(
    schema: z.ZodType<T>,
    purpose: string,
    request: Omit<LlmRequest, 'output'>,
  ) => {
    try {
      // `name` first: on Node 20 a spread followed by more properties is many times slower.
      const result = await generateObject(deps.llm, schema, { name: purpose, ...request }, options);
      ledger.add(result.attempts, purpose, pending.stageId, request, result.value);
      return result;
    } catch (error) {
      const attempts = attemptsOf(error);
      if (deps.signal?.aborted) {
        // The caller hung up: what reached a provider was still paid for.
        ledger.add(attempts, purpose, pending.stageId, request);
        throw error;
      }
      // A provider that failed without saying what it cost still made a call: record one.
      ledger.add(
        attempts.length > 0 ? attempts : [unknownAttempt(deps, request.tier)],
        purpose,
        pending.stageId,
        request,
      );
      throw error instanceof LlmCallError
        ? error
        : new LlmCallError(`The ${purpose} call failed`, attempts, { cause: error });
    }
  };

  const earlier = pending.attempt > 1 ? await deps.stageTurns(stage.id) : [];
  const topicTurns = sameTopic(earlier, pending);
  const scoringInput: ScoringPromptInput = {
    stage,
    topic: stage.topics.find((topic) => topic.id === pending.topicId) ?? null,
    // The question as first asked: a follow-up is about it, never about another follow-up.
    question: pending.originalText ?? topicTurns[0]?.question ?? pending.text,
    answer,
    previousAnswers: topicTurns.map((turn) => turn.answer),
    context,
  };
  if (pending.kind === 'follow_up') scoringInput.askedAs = pending.text;
  const scored = await ask(answerScoreSchema, 'scoring', {
    tier: 'fast',
    ...deps.prompts.scoring(scoringInput),
  });
  const score: AnswerScore = scored.value;
  const decision = decideQuality(score.score, pending.attempt, deps.quality);
  const nowIso = new Date(deps.now()).toISOString();
  const turn: TurnRecord = {
    id: deps.newId(),
    stageId: pending.stageId,
    topicId: pending.topicId,
    questionId: pending.id,
    kind: pending.kind,
    question: pending.text,
    answer,
    attempt: pending.attempt,
    score: score.score,
    issues: score.issues,
    revisesTurnId: pending.revisesTurnId ?? null,
    escalated: decision.kind === 'accept' && decision.escalated,
    accepted: decision.kind === 'accept',
    provider: scored.provider,
    model: scored.model,
    promptVersion: deps.prompts.version,
    createdAt: nowIso,
  };
  const outcome = (kind: AnswerOutcome['kind']): AnswerOutcome => ({
    kind,
    quality: { score: score.score, threshold: deps.quality.threshold, issues: score.issues },
    escalated: turn.escalated,
  });
  const seed = () => ({ id: `q-${deps.newId()}`, now: nowIso });
  const plan = (
    next: PendingQuestionRecord | null,
    stages: StageRecord[],
    kind: AnswerOutcome['kind'],
  ): TurnPlan => ({
    update: {
      status: 'active',
      currentStageId: pending.stageId,
      pending: next,
      result: null,
      revision: session.revision,
      updatedAt: nowIso,
    },
    stages,
    turn,
    outcome: outcome(kind),
    completedStage: null,
    versions: [],
    rebuilt: [],
  });

  if (decision.kind === 'follow_up') {
    const written = deps.prompts.followUp
      ? await ask(followUpSchema, 'follow_up', {
          tier: 'fast',
          ...deps.prompts.followUp({ ...scoringInput, score: score.score, issues: score.issues }),
        })
      : null;
    const suggested = written ? { ...score, followUp: written.value.question } : score;
    return plan(followUpQuestion(pending, suggested, seed()), [], 'follow_up');
  }
  if (session.revision) {
    const rebuild: Rebuild = { session, workflow, turn, deps, ask, outcome, nowIso, seed };
    return continueRevision(rebuild, session.revision);
  }
  const next = nextTopic(workflow, pending);
  if (next) {
    return plan(
      topicQuestion(
        workflow,
        next.stageIndex,
        next.topicIndex,
        context,
        deps.quality.maxAttempts,
        seed(),
      ),
      [],
      'accepted',
    );
  }

  // The stage's last question is answered: extract its artifact from every answer it got.
  const stageTurns = [...(earlier.length > 0 ? earlier : await deps.stageTurns(stage.id)), turn];
  const { artifact, gate } = await extract(stage, stageTurns, context, ask, deps.prompts);
  const version: ProducedVersion = { kind: 'artifact', stageId: stage.id, value: artifact, gate };
  const record = session.stages.find((candidate) => candidate.stageId === stage.id)!;
  const after = afterGate(workflow, record, gate);
  if (after.kind === 'ask_gap') {
    const updated: StageRecord = { ...record, artifact, gate, gapAsked: true };
    const asked = plan(
      gapQuestion(workflow, stage.id, gate.missing, context, deps.quality.maxAttempts, seed()),
      [updated],
      'accepted',
    );
    return { ...asked, versions: [version] };
  }

  const completed: StageRecord = {
    ...record,
    status: 'completed',
    artifact,
    gate,
    completedAt: nowIso,
  };
  const stages = session.stages.map((candidate) =>
    candidate.stageId === stage.id ? completed : candidate,
  );
  const nextContext = stageContext({ ...session, stages });
  if (after.nextStageIndex !== null) {
    const nextStage = stages[after.nextStageIndex]!;
    const activated: StageRecord = { ...nextStage, status: 'active' };
    const question = topicQuestion(
      workflow,
      after.nextStageIndex,
      0,
      nextContext,
      deps.quality.maxAttempts,
      seed(),
    );
    const result = plan(question, [completed, activated], 'stage_completed');
    return {
      ...result,
      update: { ...result.update, currentStageId: activated.stageId },
      completedStage: completed,
      versions: [version],
    };
  }

  const result = await finish(workflow, stages, nextContext, ask);
  return {
    update: {
      status: 'completed',
      currentStageId: null,
      pending: null,
      result,
      revision: null,
      updatedAt: nowIso,
    },
    stages: [completed],
    turn,
    outcome: outcome('session_completed'),
    completedStage: completed,
    versions: [version, { kind: 'result', stageId: null, value: result, gate: null }],
    rebuilt: [],
  };
}

/** Asks the LLM for a structured answer, recording its attempts in the turn's ledger. */
type Ask = <T>(
  schema: z.ZodType<T>,
  purpose: string,
  request: Omit<LlmRequest, 'output'>,
) => Promise<{ value: T }>;

/** A stage's artifact from the accepted answers among `turns`, and its gate. */
async function extract(
  stage: Stage,
  turns: TurnRecord[],
  context: ReturnType<typeof stageContext>,
  ask: Ask,
  prompts: WorkflowPrompts,
): Promise<{ artifact: unknown; gate: GateResult }> {
  const extracted = await ask(stage.artifact, 'extraction', {
    tier: 'balanced',
    ...prompts.extraction({ stage, answers: groupByTopic(effectiveTurns(turns), stage), context }),
  });
  const artifact = stage.derive ? stage.derive(extracted.value, context) : extracted.value;
  const gate = stage.gate ? stage.gate(artifact, context) : { passed: true, missing: [] };
  return { artifact, gate };
}

/** The workflow's finish step over the session's completed stages (null without one). */
async function finish(
  workflow: Workflow,
  stages: StageRecord[],
  context: ReturnType<typeof stageContext>,
  ask: Ask,
): Promise<unknown> {
  if (!workflow.finish) return null;
  const generate: FinishContext['generate'] = async (schema, { purpose, ...request }) =>
    (await ask(schema, purpose, request)).value;
  const finished = stages.map((record) => ({
    id: record.stageId,
    title: workflow.stages.find((candidate) => candidate.id === record.stageId)?.title ?? '',
    gate: record.gate,
  }));
  return workflow.finish({ ...context, stages: finished, generate });
}

/** What a revision's accepted answer needs to rebuild what was built on it. */
interface Rebuild {
  session: SessionRecord;
  workflow: Workflow;
  /** The accepted answer (not stored yet). */
  turn: TurnRecord;
  deps: TurnDependencies;
  ask: Ask;
  outcome: (kind: AnswerOutcome['kind']) => AnswerOutcome;
  nowIso: string;
  seed: () => { id: string; now: string };
}

/**
 * After a revision's answer is accepted (the revised answer, or a gap answer it asked for):
 * re-extract every stale stage in order from its own accepted answers, with the earlier
 * stages' new artifacts as context. A stage whose gate now fails gets one gap question and
 * the revision waits for it; otherwise the session goes back to the question it waited on,
 * or, if it was completed, its result is rebuilt. No other question is asked again.
 */
async function continueRevision(rebuild: Rebuild, revision: RevisionRecord): Promise<TurnPlan> {
  const { session, workflow, turn, deps, ask, outcome, nowIso } = rebuild;
  let stages = session.stages;
  const changed = new Map<string, StageRecord>();
  const put = (record: StageRecord) => {
    stages = stages.map((stage) => (stage.stageId === record.stageId ? record : stage));
    changed.set(record.stageId, record);
  };
  const versions: ProducedVersion[] = [];
  const rebuilt: StageRecord[] = [];
  const queue = [...revision.stale];
  while (queue.length > 0) {
    const stageId = queue[0]!;
    const stage = workflow.stages.find((candidate) => candidate.id === stageId)!;
    const stored = await deps.stageTurns(stageId);
    const turns = turn.stageId === stageId ? [...stored, turn] : stored;
    const context = stageContext({ ...session, stages });
    const { artifact, gate } = await extract(stage, turns, context, ask, deps.prompts);
    versions.push({ kind: 'artifact', stageId, value: artifact, gate });
    const record = stages.find((candidate) => candidate.stageId === stageId)!;
    // A gap question only for what the revision broke: what the gate missed before was asked
    // about when the stage first ended, and is not asked again.
    const missedBefore = record.gate?.missing ?? [];
    const newlyMissing = gate.missing.some((item) => !missedBefore.includes(item));
    if (!gate.passed && newlyMissing && !revision.gapsAsked.includes(stageId)) {
      put({ ...record, status: 'active', artifact, gate });
      const question = gapQuestion(
        workflow,
        stageId,
        gate.missing,
        context,
        deps.quality.maxAttempts,
        rebuild.seed(),
      );
      const waiting: RevisionRecord = {
        ...revision,
        stale: queue,
        gapsAsked: [...revision.gapsAsked, stageId],
      };
      return {
        update: {
          status: 'active',
          currentStageId: stageId,
          pending: question,
          result: null,
          revision: waiting,
          updatedAt: nowIso,
        },
        stages: [...changed.values()],
        turn,
        outcome: outcome('accepted'),
        completedStage: null,
        versions,
        rebuilt,
      };
    }
    const done: StageRecord = {
      ...record,
      status: 'completed',
      artifact,
      gate,
      completedAt: record.completedAt ?? nowIso,
    };
    put(done);
    rebuilt.push(done);
    queue.shift();
  }
  const plan: TurnPlan = {
    update: {
      status: 'active',
      currentStageId: revision.resumeStageId,
      pending: revision.resume,
      result: null,
      revision: null,
      updatedAt: nowIso,
    },
    stages: [...changed.values()],
    turn,
    outcome: outcome('revision_completed'),
    completedStage: null,
    versions,
    rebuilt,
  };
  if (revision.resume !== null) return plan;
  const result = await finish(workflow, stages, stageContext({ ...session, stages }), ask);
  versions.push({ kind: 'result', stageId: null, value: result, gate: null });
  plan.update = { ...plan.update, status: 'completed', currentStageId: null, result };
  return plan;
}

function sameTopic(turns: TurnRecord[], pending: PendingQuestionRecord): TurnRecord[] {
  // The answers since the topic's (or gap's) last accepted answer.
  const result: TurnRecord[] = [];
  for (const turn of turns) {
    if (turn.topicId !== pending.topicId) continue;
    if (turn.accepted) result.length = 0;
    else result.push(turn);
  }
  return result;
}

function groupByTopic(turns: TurnRecord[], stage: Stage): TopicAnswers[] {
  const groups = new Map<string, TopicAnswers>();
  for (const turn of turns) {
    const key = turn.topicId ?? '(gap)';
    let group = groups.get(key);
    if (!group) {
      // A topic's first turn carries its own question; later ones carry the follow-ups.
      group = { topicId: turn.topicId, question: turn.question, answers: [] };
      groups.set(key, group);
    }
    // Only accepted answers are the record: a rejected one ("not sure") must not reach it.
    if (turn.accepted) group.answers.push(turn.answer);
  }
  // Topics in the stage's order, then the gap answers.
  const order = new Map(stage.topics.map((topic, index) => [topic.id, index]));
  return [...groups.values()]
    .filter((group) => group.answers.length > 0)
    .sort(
      (a, b) =>
        (order.get(a.topicId ?? '') ?? Number.MAX_SAFE_INTEGER) -
        (order.get(b.topicId ?? '') ?? Number.MAX_SAFE_INTEGER),
    );
}

function unknownAttempt(deps: TurnDependencies, tier: Tier): LlmAttempt {
  return {
    provider: deps.llm.id,
    model: 'unknown',
    tier,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costUsd: null,
    latencyMs: 0,
    outcome: 'error',
    errorKind: 'unknown',
    at: new Date(deps.now()).toISOString(),
  };
}
