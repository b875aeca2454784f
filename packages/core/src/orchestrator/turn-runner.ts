import type { Clock } from '../clock';
import { UaipError } from '../errors';
import { LlmCallError, refusalOf } from '../llm/errors';
import type { LlmProvider } from '../llm/types';
import type {
  HistoryRecord,
  RevisionRecord,
  SessionRecord,
  StageRecord,
  Storage,
  TurnCommit,
} from '../storage/types';
import { addToTotals } from '../storage/usage-totals';
import { type BudgetOptions, checkBudget } from '../usage/budget';
import type { WebhookOutbox } from '../webhooks/messages';
import type { Workflow } from '../workflow/types';
import type { AgentRegistry } from './agent-registry';
import { defaultPrompts } from './default-prompts';
import type { SessionEvent } from './events';
import type { QualitySettings } from './quality';
import {
  effectiveTurns,
  revisionQuestion,
  revisionRefusal,
  stagesToRebuild,
  startRevision,
} from './revision';
import type { HeldClaim, SessionManager } from './session-manager';
import { CallLedger, runTurn, type TurnPlan } from './stage-executor';
import { type TracingOptions, type TurnTrace, traceTurn } from './turn-tracing';
import { turnWebhookEvents } from './turn-webhooks';
import type { AnswerResult, RevisionSummary } from './view-types';
import { toSession, toTurns, toUsageSummary } from './views';

/**
 * The life of one turn: claim the pending question, keep it held while the model works,
 * run the quality loop, commit exactly once, then publish what happened. The orchestrator
 * only coordinates (inputs, ownership, idempotency keys) and hands a loaded session here.
 */
export interface TurnDependencies {
  storage: Storage;
  llm: LlmProvider;
  registry: AgentRegistry;
  sessions: SessionManager;
  /** The settings of sessions that have none of their own (stored before they were pinned). */
  quality: QualitySettings;
  budgets: BudgetOptions | undefined;
  clock: Clock;
  newId: () => string;
  /** Never throws; a promise only when the bus delivers asynchronously. */
  publish: (event: SessionEvent) => Promise<void> | undefined;
  llmUnavailableHint: (() => string | undefined) | undefined;
  /** How long a claim lasts without a heartbeat (a revision's claim is timed the same). */
  leaseMs: number;
  /** Spans of turns and their LLM attempts; none when undefined. */
  tracing: TracingOptions | undefined;
  /** The webhooks of a commit's events, written with it; none when undefined. */
  outbox?: WebhookOutbox | undefined;
}

/** An idempotency key begun for a request, carried to the turn's commit. */
export interface KeyedRequest {
  key: string;
  requestHash: string;
  expiresAt: string;
}

/** Who asks for a turn, on which session, and how the request may be cut short or replayed. */
export interface TurnRequest {
  ownerId: string;
  /** Who answers: the owner, or someone the session is shared with. */
  actorId: string;
  sessionId: string;
  text: string;
  keyed: KeyedRequest | undefined;
  signal: AbortSignal | undefined;
}

/** Runs turns: answers to the pending question, and revisions of accepted answers. */
export interface TurnRunner {
  /**
   * One turn on the pending question `questionId`: `not_found`, `session_completed`,
   * `conflict`, `budget_exceeded` and LLM errors included.
   */
  answer(request: TurnRequest, questionId: string): Promise<AnswerResult>;
  /**
   * A new answer to the accepted turn `turnId`, through the same quality loop; once accepted,
   * what was built on it is rebuilt. `conflict` while a turn runs or a revision is under way.
   */
  revise(request: TurnRequest, turnId: string): Promise<AnswerResult>;
}

/** A claimed question, held by its heartbeat, and what the turn needs to run. */
interface HeldTurn extends TurnRequest {
  session: SessionRecord;
  workflow: Workflow;
  rules: QualitySettings;
  leaseId: string;
  held: HeldClaim;
  /** Stages a starting revision marked stale, written with the turn. */
  marked: StageRecord[];
  /** Versions kept before a starting revision replaces them (none were kept yet). */
  earlier?: HistoryRecord[];
  /** The turn's span, when tracing. */
  trace: TurnTrace | undefined;
}

export function createTurnRunner(deps: TurnDependencies): TurnRunner {
  const { storage, llm, registry, sessions, quality, budgets, newId, publish } = deps;
  const { llmUnavailableHint } = deps;
  const now = () => deps.clock.now();
  const iso = (ms = now()) => new Date(ms).toISOString();

  const { tracing } = deps;

  async function answer(
    request: TurnRequest,
    questionId: string,
    trace?: TurnTrace,
  ): Promise<AnswerResult> {
    const { ownerId, sessionId, keyed } = request;
    // Claimed first, in the same round trip as the read; what is checked after gives it back.
    const leaseId = newId();
    const session = await sessions.claim(ownerId, sessionId, questionId, leaseId, now());
    let workflow: Workflow;
    try {
      workflow = registry.resolve(session.workflowId, session.workflowVersion);
      if (budgets) await checkBudget(storage, session, budgets, now());
    } catch (error) {
      await sessions.release(session, leaseId).catch(() => {});
      throw error;
    }
    const rules = session.quality ?? quality;
    const held = sessions.hold(session, leaseId, keyed?.key);
    try {
      return await runHeld({
        ...request,
        session,
        workflow,
        rules,
        leaseId,
        held,
        marked: [],
        trace,
      });
    } finally {
      held.stop();
    }
  }

  async function revise(
    request: TurnRequest,
    turnId: string,
    trace?: TurnTrace,
  ): Promise<AnswerResult> {
    const { ownerId, sessionId, keyed, actorId } = request;
    const stored = await sessions.load(ownerId, sessionId);
    if (stored.revision) {
      throw new UaipError(
        'conflict',
        'A revision of this session is under way: answer its pending question first',
      );
    }
    const turns = await storage.listTurns(ownerId, sessionId);
    const refusal = revisionRefusal(turns, turnId);
    if (refusal === 'not_found') throw new UaipError('not_found', 'Turn not found');
    if (refusal) throw new UaipError('invalid_state', refusal);
    const target = turns.find((turn) => turn.id === turnId)!;
    const workflow = registry.resolve(stored.workflowId, stored.workflowVersion);
    if (budgets) await checkBudget(storage, stored, budgets, now());
    const rules = stored.quality ?? quality;
    const at = now();
    const revision: RevisionRecord = {
      id: newId(),
      turnId,
      stageId: target.stageId,
      actorId,
      startedAt: iso(at),
      resume: stored.pending,
      resumeStageId: stored.currentStageId,
      stale: stagesToRebuild(workflow, stored, target.stageId),
      gapsAsked: [],
    };
    const question = revisionQuestion(turns, target, rules.maxAttempts, {
      id: `q-${newId()}`,
      now: iso(at),
    });
    const leaseId = newId();
    await sessions.claimRevision(stored, leaseId, at);
    const held = sessions.hold(stored, leaseId, keyed?.key);
    try {
      const { session, marked } = startRevision(stored, revision, question);
      // What the revision will replace stays in the history, also for a session that kept
      // no versions before (finished before revisions existed).
      const earlier = await unkeptVersions(stored, workflow, revision, turns);
      await publish({
        type: 'revision.started',
        sessionId,
        version: stored.version,
        at: iso(),
        revisionId: revision.id,
        turnId,
        stageId: target.stageId,
        stale: revision.stale,
      });
      return await runHeld({
        ...request,
        session,
        workflow,
        rules,
        leaseId,
        held,
        marked,
        earlier,
        trace,
      });
    } catch (error) {
      await sessions.release(stored, leaseId).catch(() => {});
      throw error;
    } finally {
      held.stop();
    }
  }

  /** The artifacts, result and report a revision will replace that the history lacks. */
  async function unkeptVersions(
    session: SessionRecord,
    workflow: Workflow,
    revision: RevisionRecord,
    turns: Awaited<ReturnType<Storage['listTurns']>>,
  ): Promise<HistoryRecord[]> {
    const kept = await storage.listHistory(session.ownerId, session.id);
    const has = (kind: HistoryRecord['kind'], stageId: string | null) =>
      kept.some((entry) => entry.kind === kind && entry.stageId === stageId);
    const entry = (
      kind: HistoryRecord['kind'],
      stageId: string | null,
      value: unknown,
      gate: HistoryRecord['gate'],
      createdAt: string,
    ): HistoryRecord => ({
      id: newId(),
      sessionId: session.id,
      kind,
      stageId,
      sessionVersion: session.version,
      value,
      gate,
      revisionId: null,
      actorId: session.ownerId,
      createdAt,
    });
    const missing: HistoryRecord[] = [];
    for (const stageId of revision.stale) {
      const stage = session.stages.find((record) => record.stageId === stageId)!;
      if (!has('artifact', stageId))
        missing.push(
          entry(
            'artifact',
            stageId,
            stage.artifact,
            stage.gate,
            stage.completedAt ?? session.updatedAt,
          ),
        );
    }
    if (session.status === 'completed') {
      if (!has('result', null))
        missing.push(entry('result', null, session.result, null, session.updatedAt));
      if (workflow.report && !has('report', null)) {
        const calls = await storage.listUsage(session.ownerId, session.id);
        const report = workflow.report.build({
          session: toSession(session, workflow),
          turns: toTurns(effectiveTurns(turns)),
          usage: toUsageSummary(calls),
        });
        missing.push(entry('report', null, report, null, session.updatedAt));
      }
    }
    return missing;
  }

  async function runHeld(turn: HeldTurn): Promise<AnswerResult> {
    const { session, workflow, rules, text, leaseId, held, keyed, trace } = turn;
    const revision = session.revision;
    const questionId = session.pending!.id;
    trace?.held(session);
    // The model calls stop when the caller gives up or the question is lost to another answer.
    const signal = turn.signal ? AbortSignal.any([turn.signal, held.lost]) : held.lost;
    await publish({
      type: 'turn.started',
      sessionId: session.id,
      version: session.version,
      at: iso(),
      questionId,
    });

    // Events are written out field by field: on Node 20, `{ ...base, type }` (a spread followed
    // by more properties) costs about a microsecond per object, a tenth of a turn in all.
    const { id: sessionId, version } = session;
    const ledger = new CallLedger(session.id, session.promptVersion, newId, (call, ask, reply) => {
      trace?.attempt(call, ask, reply);
      void publish({
        sessionId,
        version,
        type: 'llm.attempt',
        at: call.createdAt,
        provider: call.provider,
        model: call.model,
        outcome: call.outcome,
        purpose: call.purpose,
        inputTokens: call.inputTokens,
        outputTokens: call.outputTokens,
        cacheReadTokens: call.cacheReadTokens,
        cacheWriteTokens: call.cacheWriteTokens,
        costUsd: call.costUsd,
        latencyMs: call.latencyMs,
      });
    });
    let plan: TurnPlan;
    try {
      plan = await runTurn(
        session,
        workflow,
        text,
        {
          llm,
          prompts: workflow.prompts ?? defaultPrompts,
          quality: rules,
          now,
          newId,
          stageTurns: (stageId) => storage.listTurns(session.ownerId, session.id, stageId),
          signal,
          onFallback: ({ from, to, reason }) => {
            trace?.fallback(from, to, reason);
            void publish({ sessionId, version, type: 'llm.fallback', at: iso(), from, to, reason });
          },
          onRetry: trace?.retry,
        },
        ledger,
      );
    } catch (error) {
      // Nothing of the turn is kept but what it cost; the answer can be sent again.
      await sessions.release(session, leaseId);
      if (ledger.calls.length > 0)
        await storage.recordUsage(session.ownerId, session.id, ledger.calls);
      const failure = held.lost.aborted
        ? held.lost.reason
        : toTurnError(error, llmUnavailableHint?.());
      if (UaipError.isInstance(failure)) {
        await publish({
          sessionId,
          version,
          type: 'error',
          at: iso(),
          code: failure.code,
          message: failure.message,
        });
      }
      throw failure;
    }

    const stages = [
      ...turn.marked.filter((stage) => !plan.stages.some((s) => s.stageId === stage.stageId)),
      ...plan.stages,
    ];
    const committed = afterTurn(session, { ...plan, stages }, addUsage(session.usage, ledger));
    const result: AnswerResult = { session: toSession(committed, workflow), outcome: plan.outcome };
    if (revision) result.revision = revisionSummary(revision, plan);
    const history = [
      ...(turn.earlier ?? []),
      ...(await versionsOf(committed, plan, revision, turn, ledger)),
    ];
    const commit: TurnCommit = {
      expectedVersion: version,
      leaseId,
      session: plan.update,
      stages,
      turn: plan.turn,
      calls: ledger.calls,
    };
    if (history.length > 0) commit.history = history;
    const events = deps.outbox && turnWebhookEvents(committed, plan.completedStage);
    const outbox = events && deps.outbox?.(session.ownerId, events);
    if (outbox && outbox.length > 0) commit.outbox = outbox;
    if (keyed !== undefined) {
      const { key, requestHash, expiresAt } = keyed;
      commit.idempotency = { key, requestHash, expiresAt, response: result };
    }
    try {
      await sessions.commit(session, commit);
    } catch (error) {
      const lostRace = UaipError.isInstance(error) && error.code === 'conflict';
      // Lost to another answer: nothing was written, but the calls were paid for.
      if (lostRace && ledger.calls.length > 0) {
        await storage.recordUsage(session.ownerId, session.id, ledger.calls).catch(() => {});
      }
      // A storage fault: the commit may or may not have landed (so its calls are not recorded
      // again); free the question at once rather than after the lease. The release only clears
      // this turn's own lease, so it does nothing if the commit did land.
      if (!lostRace) await sessions.release(session, leaseId).catch(() => {});
      throw error;
    }
    trace?.done(plan, ledger.calls);
    await announce(committed, plan, rules.threshold, revision);
    return result;
  }

  /** The history rows of what a turn produced, with the report of a session it completes. */
  async function versionsOf(
    committed: SessionRecord,
    plan: TurnPlan,
    revision: RevisionRecord | null,
    turn: HeldTurn,
    ledger: CallLedger,
  ): Promise<HistoryRecord[]> {
    const entry = (
      kind: HistoryRecord['kind'],
      stageId: string | null,
      value: unknown,
      gate: HistoryRecord['gate'],
    ): HistoryRecord => ({
      id: newId(),
      sessionId: committed.id,
      kind,
      stageId,
      sessionVersion: committed.version,
      value,
      gate,
      revisionId: revision?.id ?? null,
      actorId: turn.actorId,
      createdAt: committed.updatedAt,
    });
    const rows = plan.versions.map((v) => entry(v.kind, v.stageId, v.value, v.gate));
    const report = turn.workflow.report;
    if (committed.status === 'completed' && report) {
      const { ownerId, id } = committed;
      const [turns, calls] = await Promise.all([
        storage.listTurns(ownerId, id),
        storage.listUsage(ownerId, id),
      ]);
      const built = report.build({
        session: toSession(committed, turn.workflow),
        turns: toTurns(effectiveTurns([...turns, plan.turn])),
        usage: toUsageSummary([...calls, ...ledger.calls]),
      });
      rows.push(entry('report', null, built, null));
    }
    return rows;
  }

  async function announceRebuilt(session: SessionRecord, plan: TurnPlan, revision: RevisionRecord) {
    const { id: sessionId, version, updatedAt: at } = session;
    for (const stage of plan.rebuilt) {
      await publish({
        sessionId,
        version,
        at,
        type: 'stage.reextracted',
        revisionId: revision.id,
        stageId: stage.stageId,
        gatePassed: stage.gate?.passed ?? true,
      });
    }
  }

  async function announce(
    session: SessionRecord,
    plan: TurnPlan,
    threshold: number,
    revision: RevisionRecord | null,
  ) {
    const { id: sessionId, version, updatedAt: at } = session;
    await publish({
      sessionId,
      version,
      at,
      type: 'answer.scored',
      questionId: plan.turn.questionId,
      score: plan.turn.score,
      threshold,
      escalated: plan.turn.escalated,
    });
    if (revision) await announceRebuilt(session, plan, revision);
    if (plan.completedStage) {
      await publish({
        sessionId,
        version,
        at,
        type: 'stage.completed',
        stageId: plan.completedStage.stageId,
        gatePassed: plan.completedStage.gate?.passed ?? true,
      });
    }
    if (session.pending) {
      await publish({
        sessionId,
        version,
        at,
        type: 'question.asked',
        questionId: session.pending.id,
        stageId: session.pending.stageId,
        kind: session.pending.kind,
      });
    }
    if (session.status === 'completed')
      await publish({ sessionId, version, at, type: 'session.completed' });
    if (revision && plan.outcome.kind === 'revision_completed') {
      await publish({
        sessionId,
        version,
        at,
        type: 'revision.completed',
        revisionId: revision.id,
        turnId: revision.turnId,
        rebuilt: plan.rebuilt.map((stage) => stage.stageId),
        resultRebuilt: session.status === 'completed',
      });
    }
  }

  if (!tracing) return { answer, revise };
  return {
    answer: (request, questionId) =>
      traceTurn(tracing, 'answer', request.sessionId, (trace) =>
        answer(request, questionId, trace),
      ),
    revise: (request, turnId) =>
      traceTurn(tracing, 'revise', request.sessionId, (trace) => revise(request, turnId, trace)),
  };
}

/** Where a revision stands after a turn of it. */
function revisionSummary(revision: RevisionRecord, plan: TurnPlan): RevisionSummary {
  const next = plan.update.revision;
  return {
    id: revision.id,
    turnId: revision.turnId,
    status: next === null ? 'completed' : plan.outcome.kind === 'follow_up' ? 'follow_up' : 'gap',
    rebuilt: plan.rebuilt.map((stage) => stage.stageId),
    stale: next?.stale ?? [],
  };
}

/** The session as it stands once a turn's plan is committed. */
function afterTurn(
  session: SessionRecord,
  plan: TurnPlan,
  usage: SessionRecord['usage'],
): SessionRecord {
  const { update } = plan;
  return {
    id: session.id,
    ownerId: session.ownerId,
    workflowId: session.workflowId,
    workflowVersion: session.workflowVersion,
    promptVersion: session.promptVersion,
    quality: session.quality,
    title: session.title,
    idea: session.idea,
    status: update.status,
    currentStageId: update.currentStageId,
    stages: session.stages.map(
      (stage) => plan.stages.find((changed) => changed.stageId === stage.stageId) ?? stage,
    ),
    pending: update.pending,
    result: update.result,
    usage,
    version: session.version + 1,
    lease: null,
    revision: update.revision,
    createdAt: session.createdAt,
    updatedAt: update.updatedAt,
  };
}

function addUsage(totals: SessionRecord['usage'], ledger: CallLedger): SessionRecord['usage'] {
  const next = { ...totals };
  for (const call of ledger.calls) addToTotals(next, call);
  return next;
}

function toTurnError(error: unknown, hint: string | undefined): unknown {
  if (!(error instanceof LlmCallError)) return error;
  if (refusalOf(error)) {
    // Sending the same answer again would be refused again: say so, as a 400 about the answer.
    const message =
      'The language model declined to process this answer; rephrase it and send it again.';
    return new UaipError('validation_failed', message, {
      cause: error,
      details: [{ path: 'answer', message }],
    });
  }
  const retryAfterMs = error.retryAfterMs;
  return new UaipError(
    'llm_unavailable',
    `No language model could answer; the answer was not used and can be sent again.${hint ? ` ${hint}` : ''}`,
    {
      cause: error,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    },
  );
}
