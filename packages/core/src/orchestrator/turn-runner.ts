import type { Clock } from '../clock';
import { UaipError } from '../errors';
import { LlmCallError, refusalOf } from '../llm/errors';
import type { LlmProvider } from '../llm/types';
import type { SessionRecord, Storage, TurnCommit } from '../storage/types';
import { addToTotals } from '../storage/usage-totals';
import { type BudgetOptions, checkBudget } from '../usage/budget';
import type { Workflow } from '../workflow/types';
import type { AgentRegistry } from './agent-registry';
import { defaultPrompts } from './default-prompts';
import type { SessionEvent } from './events';
import type { QualitySettings } from './quality';
import type { HeldClaim, SessionManager } from './session-manager';
import { CallLedger, runTurn, type TurnPlan } from './stage-executor';
import type { AnswerResult } from './view-types';
import { toSession } from './views';

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
}

/** An idempotency key begun for a request, carried to the turn's commit. */
export interface KeyedRequest {
  key: string;
  requestHash: string;
  expiresAt: string;
}

/**
 * Runs one turn on a session of `ownerId`: `not_found`, `session_completed`, `conflict`,
 * `budget_exceeded` and LLM errors included.
 */
export type TurnRunner = (
  ownerId: string,
  sessionId: string,
  questionId: string,
  text: string,
  keyed: KeyedRequest | undefined,
  signal: AbortSignal | undefined,
) => Promise<AnswerResult>;

/** A claimed question, held by its heartbeat, and what the turn needs to run. */
interface HeldTurn {
  session: SessionRecord;
  workflow: Workflow;
  rules: QualitySettings;
  text: string;
  leaseId: string;
  held: HeldClaim;
  keyed: KeyedRequest | undefined;
  signal: AbortSignal | undefined;
}

export function createTurnRunner(deps: TurnDependencies): TurnRunner {
  const { storage, llm, registry, sessions, quality, budgets, newId, publish } = deps;
  const { llmUnavailableHint } = deps;
  const now = () => deps.clock.now();
  const iso = (ms = now()) => new Date(ms).toISOString();

  async function run(
    ownerId: string,
    sessionId: string,
    questionId: string,
    text: string,
    keyed: KeyedRequest | undefined,
    signal: AbortSignal | undefined,
  ): Promise<AnswerResult> {
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
      return await runHeld({ session, workflow, rules, text, leaseId, held, keyed, signal });
    } finally {
      held.stop();
    }
  }

  async function runHeld(turn: HeldTurn): Promise<AnswerResult> {
    const { session, workflow, rules, text, leaseId, held, keyed } = turn;
    const questionId = session.pending!.id;
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
    const ledger = new CallLedger(session.id, session.promptVersion, newId, (call) =>
      publish({
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
      }),
    );
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
            void publish({ sessionId, version, type: 'llm.fallback', at: iso(), from, to, reason });
          },
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

    const committed = afterTurn(session, plan, addUsage(session.usage, ledger));
    const result: AnswerResult = { session: toSession(committed, workflow), outcome: plan.outcome };
    const commit: TurnCommit = {
      expectedVersion: version,
      leaseId,
      session: plan.update,
      stages: plan.stages,
      turn: plan.turn,
      calls: ledger.calls,
    };
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
    await announce(committed, plan, rules.threshold);
    return result;
  }

  async function announce(session: SessionRecord, plan: TurnPlan, threshold: number) {
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
  }

  return run;
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
