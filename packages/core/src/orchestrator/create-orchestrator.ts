import { createHash, randomUUID } from 'node:crypto';
import type { Principal } from '../auth/types';
import type { Clock } from '../clock';
import { UaipError } from '../errors';
import { exportSession } from '../export/export-session';
import { importSession } from '../export/import-session';
import type { SessionExport } from '../export/schema';
import type { LlmProvider } from '../llm/types';
import { type Logger, silentLogger } from '../logger';
import type { Page, SessionRecord, SessionSummary, Storage } from '../storage/types';
import type { BudgetOptions } from '../usage/budget';
import type { WebhookOptions } from '../webhooks/config';
import { createWebhookOutbox } from '../webhooks/messages';
import type { Workflow } from '../workflow/types';
import { asOwnerOrMember, loadFor, memberAccess, ownedSession } from './access';
import { createAgentRegistry } from './agent-registry';
import { buildReport } from './build-report';
import { defaultPrompts } from './default-prompts';
import {
  createInProcessEventBus,
  type EventBus,
  type SessionEvent,
  type SessionListener,
} from './events';
import {
  type AnswerInput,
  answerInput,
  type ListSessionsInput,
  listSessionsInput,
  parseInput,
  type ReviseInput,
  reviseInput,
  type StartSessionInput,
  startSessionInput,
} from './inputs';
import { type QualityOptions, qualitySettings } from './quality';
import { createReviews, type Reviews } from './review';
import { createSessionManager } from './session-manager';
import { createSharing, type Sharing } from './sharing';
import { initialStages, topicQuestion } from './transitions';
import { createTurnRunner, type KeyedRequest, type TurnRequest } from './turn-runner';
import type { TracingOptions } from './turn-tracing';
import type {
  AnswerResult,
  Session,
  SessionHistory,
  Turn,
  UsageSummary,
  WebhookDelivery,
} from './view-types';
import { toHistory, toSession, toTurns, toUsageSummary, toWebhookDelivery } from './views';

/** Options of {@link createOrchestrator}. */
export interface OrchestratorOptions {
  storage: Storage;
  /** The LLM, usually a fallback chain. */
  llm: LlmProvider;
  /** Every workflow (and every version still in use by sessions) this orchestrator serves. */
  workflows: Workflow[];
  /** Where session events go. @default an in-process bus */
  events?: EventBus;
  /** @default the system clock */
  clock?: Clock;
  /** Ids of sessions, questions, turns and calls. @default crypto.randomUUID */
  generateId?: () => string;
  logger?: Logger;
  /**
   * The quality loop's settings. Each session keeps the settings it started with, like its
   * workflow version: a change here applies to sessions started after it.
   */
  quality?: QualityOptions;
  /**
   * How long a claim on a question lasts without a heartbeat. A turn renews it every third
   * of this while it works, however long its model calls take; after a crash the question is
   * free again within this time. @default 10000
   */
  leaseMs?: number;
  /** How long an idempotency key is remembered. @default 24 hours */
  idempotencyTtlMs?: number;
  /** Cost caps checked before each turn. @default no caps */
  budgets?: BudgetOptions;
  /**
   * A sentence added to `llm_unavailable` errors, e.g. how to configure a model when none is
   * reachable. Called at the time of the failure.
   */
  llmUnavailableHint?: () => string | undefined;
  /**
   * OpenTelemetry spans: one per turn (`uaip.turn`) with a child per LLM attempt
   * (`chat {model}`), by the GenAI semantic conventions. Prompts and answers stay out of them
   * unless `recordContent` is set. @default no spans
   */
  tracing?: TracingOptions;
  /**
   * Webhooks to the host's endpoints: the events they subscribe to are written to the
   * storage's outbox with the change they announce, for a `createWebhookDispatcher` given the
   * same options to send. @default none
   */
  webhooks?: WebhookOptions;
}

/** A report format. */
export type ReportFormat = 'json' | 'markdown' | 'html';

/** A rendered report: the structured value for `json`, a string otherwise. */
export type ReportOutput =
  | { format: 'json'; body: unknown }
  | { format: 'markdown' | 'html'; body: string };

/** Options of {@link Orchestrator.answer}. */
export interface AnswerOptions {
  /** Replays the first response to a repeated request instead of running it again. */
  idempotencyKey?: string;
  /** Aborts the LLM calls (the session is then left unchanged). */
  signal?: AbortSignal;
}

/**
 * The engine: every call is scoped to a principal. A session is its owner's, and readable by
 * the members it is shared with (editors may also answer and revise); anyone else's session
 * is `not_found`, and a member's call beyond their role is `forbidden`.
 */
export interface Orchestrator extends Sharing, Reviews {
  /** The workflows new sessions can start on (newest version of each). */
  workflows(): Workflow[];
  /** Starts a session on the latest version of a workflow; its first question is pending. */
  start(principal: Principal, input: StartSessionInput): Promise<Session>;
  /** A session of the principal; `not_found` otherwise. */
  get(principal: Principal, sessionId: string): Promise<Session>;
  /** The principal's sessions, newest first, a page at a time. */
  list(principal: Principal, input?: ListSessionsInput): Promise<Page<SessionSummary>>;
  /** The transcript, oldest first. */
  turns(principal: Principal, sessionId: string): Promise<Turn[]>;
  /** Deletes a session and its transcript; `not_found` when there is none. */
  delete(principal: Principal, sessionId: string): Promise<void>;
  /** Answers the pending question: one turn of the quality loop, committed exactly once. */
  answer(
    principal: Principal,
    sessionId: string,
    input: AnswerInput,
    options?: AnswerOptions,
  ): Promise<AnswerResult>;
  /**
   * Revises an accepted answer (a turn of the transcript), in an active or completed session.
   * The new answer goes through the quality loop (a vague one gets a follow-up, answered with
   * `answer` like any question); once accepted, the stage's artifact and every later artifact
   * are re-extracted and their gates re-run (a gate that now fails gets one gap question),
   * and a completed session's result and report are rebuilt. Earlier versions stay in
   * `history`. `conflict` while a turn runs or another revision is under way; `invalid_state`
   * for an answer that was followed up or revised since.
   */
  revise(
    principal: Principal,
    sessionId: string,
    input: ReviseInput,
    options?: AnswerOptions,
  ): Promise<AnswerResult>;
  /** Every answer given and every version of the artifacts, results and reports built on them. */
  history(principal: Principal, sessionId: string): Promise<SessionHistory>;
  /** A session's LLM usage: totals, per provider and model, per stage (failed calls included). */
  usage(principal: Principal, sessionId: string): Promise<UsageSummary>;
  /**
   * The report of a completed session (U-AIP's AI Project Charter) in one format:
   * `json` (the structured report), `markdown` or `html`. `invalid_state` before completion;
   * `not_found` when the workflow has no report.
   */
  report(principal: Principal, sessionId: string, format: ReportFormat): Promise<ReportOutput>;
  /**
   * Follows a session's events; returns the function that stops following. A member's
   * subscription ends after the `sharing.changed` event that ends their access.
   */
  subscribe(
    principal: Principal,
    sessionId: string,
    listener: SessionListener,
  ): Promise<() => void>;
  /**
   * The session's webhooks, oldest first, each with its event type, endpoint id, status and
   * every attempt (time, receiver's status, error, duration) and the next one's time. Owner
   * only (`forbidden` for a member, `not_found` for anyone else); never an endpoint's URL or
   * secret. Empty without `webhooks` or on a storage without an outbox. Delivered and failed
   * ones go with `Storage.sweep` 30 days after they settled.
   */
  webhookDeliveries(principal: Principal, sessionId: string): Promise<WebhookDelivery[]>;
  /**
   * The session as one versioned document (`sessionExportSchema`, published as
   * `docs/schemas/session-export-v1.json`): the session with its stages, artifacts, gates and
   * result, every turn, every kept version, every LLM call, and its review. Anyone who may read
   * the session may export it (its owner and members); anyone else gets `not_found`.
   */
  exportSession(principal: Principal, sessionId: string): Promise<SessionExport>;
  /**
   * Stores a session export as a new session of the principal and returns it: new ids
   * throughout, the principal as its owner, no lease; a revision under way comes back under
   * way; the review is left out. `payload_too_large` past `MAX_SESSION_EXPORT_BYTES`;
   * `validation_failed` for a version this package does not read, a document its schema
   * refuses (with the paths), or a workflow version this orchestrator does not serve.
   */
  importSession(principal: Principal, document: unknown): Promise<Session>;
}

/**
 * Creates the engine over a storage, an LLM and workflows.
 *
 * @example
 * ```ts
 * const orchestrator = createOrchestrator({ storage: createMemoryStorage(), llm, workflows: [workflow] });
 * const session = await orchestrator.start({ userId: 'u1' }, { workflowId: workflow.id, idea: 'Cut churn' });
 * const { outcome } = await orchestrator.answer({ userId: 'u1' }, session.id, {
 *   questionId: session.pendingQuestion!.id,
 *   answer: 'Monthly churn is 8%; we want 5% by Q3.',
 * });
 * ```
 */
export function createOrchestrator(options: OrchestratorOptions): Orchestrator {
  const { storage, llm } = options;
  const registry = createAgentRegistry(options.workflows);
  const events = options.events ?? createInProcessEventBus();
  const now = options.clock ? () => options.clock!.now() : () => Date.now();
  const newId = options.generateId ?? randomUUID;
  const logger = options.logger ?? silentLogger;
  const quality = qualitySettings(options.quality);
  const leaseMs = options.leaseMs ?? 10_000;
  const sessions = createSessionManager(storage, leaseMs, now, (error) =>
    logger.warn({ err: error }, 'renewing a turn lease failed; retrying at the next beat'),
  );
  const idempotencyTtlMs = options.idempotencyTtlMs ?? 24 * 60 * 60 * 1000;
  const iso = (ms = now()) => new Date(ms).toISOString();

  const view = (record: SessionRecord) =>
    toSession(record, registry.resolve(record.workflowId, record.workflowVersion));

  const publishFailed = (error: unknown, event: SessionEvent) =>
    logger.warn(
      { err: error, sessionId: event.sessionId, type: event.type },
      'publishing a session event failed',
    );
  // Never throws. Returns a promise only for a bus that delivers asynchronously (PostgreSQL),
  // which callers await to keep a session's events in order; the in-process bus costs no tick.
  const publish = (event: SessionEvent): Promise<void> | undefined => {
    try {
      return events.publish(event)?.catch((error: unknown) => publishFailed(error, event));
    } catch (error) {
      publishFailed(error, event);
      return undefined;
    }
  };

  const sharing = createSharing({ storage, now, publish });
  const outbox = options.webhooks && createWebhookOutbox(options.webhooks, storage, newId);
  const reviews = createReviews({
    storage,
    now,
    publish,
    outbox,
    workflowOf: (record) => registry.resolve(record.workflowId, record.workflowVersion),
    view,
  });

  const runTurnOn = createTurnRunner({
    storage,
    llm,
    registry,
    sessions,
    quality,
    budgets: options.budgets,
    clock: { now },
    newId,
    publish,
    llmUnavailableHint: options.llmUnavailableHint,
    leaseMs,
    tracing: options.tracing,
    outbox,
  });

  async function start(principal: Principal, input: StartSessionInput): Promise<Session> {
    const parsed = parseInput(startSessionInput, input);
    const workflowId = parsed.workflowId ?? 'uaip';
    const workflow = registry.latest(workflowId);
    if (!workflow) {
      throw new UaipError('validation_failed', `Unknown workflow "${workflowId}"`, {
        details: [{ path: 'workflowId', message: 'No such workflow' }],
      });
    }
    const at = iso();
    const title = parsed.title ?? [...parsed.idea].slice(0, 80).join('');
    const stages = initialStages(workflow);
    const record: SessionRecord = {
      id: newId(),
      ownerId: principal.userId,
      workflowId: workflow.id,
      workflowVersion: workflow.version,
      promptVersion: (workflow.prompts ?? defaultPrompts).version,
      quality,
      title,
      idea: parsed.idea,
      status: 'active',
      currentStageId: workflow.stages[0]!.id,
      stages,
      pending: topicQuestion(
        workflow,
        0,
        0,
        { title, idea: parsed.idea, artifacts: {} },
        quality.maxAttempts,
        {
          id: `q-${newId()}`,
          now: at,
        },
      ),
      result: null,
      usage: {
        calls: 0,
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        costUsd: 0,
        unpricedCalls: 0,
      },
      version: 1,
      lease: null,
      revision: null,
      createdAt: at,
      updatedAt: at,
    };
    await storage.createSession(record);
    logger.info({ sessionId: record.id, workflowId: workflow.id }, 'session started');
    return view(record);
  }

  async function answer(
    principal: Principal,
    sessionId: string,
    input: AnswerInput,
    answerOptions: AnswerOptions = {},
  ): Promise<AnswerResult> {
    const { questionId, answer: text } = parseInput(answerInput, input);
    const request = [sessionId, questionId, text];
    return asOwnerOrMember(storage, principal, sessionId, 'write', (ownerId) =>
      keyedTurn(principal, ownerId, sessionId, request, answerOptions, (turn) =>
        runTurnOn.answer({ ...turn, text }, questionId),
      ).then((result) => afterTurn(ownerId, result)),
    );
  }

  async function revise(
    principal: Principal,
    sessionId: string,
    input: ReviseInput,
    reviseOptions: AnswerOptions = {},
  ): Promise<AnswerResult> {
    const { turnId, answer: text } = parseInput(reviseInput, input);
    const request = [sessionId, 'revision', turnId, text];
    return asOwnerOrMember(storage, principal, sessionId, 'write', (ownerId) =>
      keyedTurn(principal, ownerId, sessionId, request, reviseOptions, (turn) =>
        runTurnOn.revise({ ...turn, text }, turnId),
      ).then((result) => afterTurn(ownerId, result)),
    );
  }

  /** A revision that completed the session again reopens its committee review. */
  async function afterTurn(ownerId: string, result: AnswerResult): Promise<AnswerResult> {
    if (result.revision?.status === 'completed' && result.session.status === 'completed') {
      await reviews.afterRevision(ownerId, result.session.id);
    }
    return result;
  }

  /**
   * Runs a turn on a session of `ownerId` once per idempotency key: a repeated request replays
   * the first response. Keys are kept with the session's owner (the turn's commit completes
   * them there); a member's keys are their own within it, so two members never collide.
   */
  async function keyedTurn(
    principal: Principal,
    ownerId: string,
    sessionId: string,
    request: unknown[],
    turnOptions: AnswerOptions,
    run: (request: Omit<TurnRequest, 'text'>) => Promise<AnswerResult>,
  ): Promise<AnswerResult> {
    const given = turnOptions.idempotencyKey;
    const key =
      given === undefined || ownerId === principal.userId
        ? given
        : JSON.stringify([principal.userId, given]);
    let keyed: KeyedRequest | undefined;
    if (key !== undefined) {
      checkKey(given!);
      const begun = await beginIdempotent(ownerId, key, request);
      if ('replay' in begun) return begun.replay;
      keyed = begun;
    }
    try {
      return await run({
        ownerId,
        actorId: principal.userId,
        sessionId,
        keyed,
        signal: turnOptions.signal,
      });
    } catch (error) {
      if (key !== undefined) await storage.abandonIdempotent(ownerId, key);
      throw error;
    }
  }

  function checkKey(key: string) {
    if (key.length < 1 || key.length > 255) {
      throw new UaipError('validation_failed', 'Idempotency-Key must be 1 to 255 characters', {
        details: [{ path: 'Idempotency-Key', message: 'Must be 1 to 255 characters' }],
      });
    }
  }

  async function beginIdempotent(
    ownerId: string,
    key: string,
    request: unknown,
  ): Promise<KeyedRequest | { replay: AnswerResult }> {
    const at = now();
    const keyed: KeyedRequest = {
      key,
      requestHash: createHash('sha256').update(JSON.stringify(request)).digest('hex'),
      expiresAt: iso(at + idempotencyTtlMs),
    };
    const state = await storage.beginIdempotent(ownerId, {
      key,
      requestHash: keyed.requestHash,
      expiresAt: keyed.expiresAt,
      now: iso(at),
      lockedUntil: iso(at + leaseMs),
    });
    if (state.status === 'completed') return { replay: state.response as AnswerResult };
    if (state.status === 'in_flight')
      throw new UaipError('conflict', 'A request with this Idempotency-Key is still running', {
        retryAfterMs: leaseMs,
      });
    if (state.status === 'mismatch')
      throw new UaipError('conflict', 'This Idempotency-Key was used with another request');
    return keyed;
  }

  return {
    workflows: () => registry.list(),
    start,
    answer,
    revise,
    async history(principal, sessionId) {
      const { access } = await loadFor(storage, principal, sessionId, 'read');
      const [turnRecords, versions] = await Promise.all([
        storage.listTurns(access.ownerId, sessionId),
        storage.listHistory(access.ownerId, sessionId),
      ]);
      return toHistory(toTurns(turnRecords), versions);
    },
    async get(principal, sessionId) {
      return view((await loadFor(storage, principal, sessionId, 'read')).session);
    },
    async list(principal, input = {}) {
      const page = parseInput(listSessionsInput, input);
      return storage.listSessions(principal.userId, {
        limit: page.limit,
        cursor: page.cursor ?? null,
      });
    },
    async turns(principal, sessionId) {
      const { access } = await loadFor(storage, principal, sessionId, 'read');
      return toTurns(await storage.listTurns(access.ownerId, sessionId));
    },
    async delete(principal, sessionId) {
      if (await storage.deleteSession(principal.userId, sessionId)) return;
      // A member learns they may not; anyone else that there is nothing to delete.
      await memberAccess(storage, principal, sessionId, 'own');
      throw new UaipError('not_found', 'Session not found');
    },
    async usage(principal, sessionId) {
      const { access } = await loadFor(storage, principal, sessionId, 'read');
      return toUsageSummary(await storage.listUsage(access.ownerId, sessionId));
    },
    async report(principal, sessionId, format) {
      const { session: record, access } = await loadFor(storage, principal, sessionId, 'read');
      const workflow = registry.resolve(record.workflowId, record.workflowVersion);
      if (!workflow.report)
        throw new UaipError('not_found', `Workflow "${workflow.id}" has no report`);
      if (record.status !== 'completed') {
        throw new UaipError('invalid_state', 'The report is ready once the session is completed');
      }
      const [turnRecords, calls] = await Promise.all([
        storage.listTurns(access.ownerId, sessionId),
        storage.listUsage(access.ownerId, sessionId),
      ]);
      const built = buildReport(workflow, workflow.report, {
        session: record,
        turns: turnRecords,
        calls,
        review: await reviews.reviewOf(access.ownerId, record),
      });
      if (format === 'json') return { format, body: built };
      return {
        format,
        body: format === 'html' ? workflow.report.html(built) : workflow.report.markdown(built),
      };
    },
    async subscribe(principal, sessionId, listener) {
      const { access } = await loadFor(storage, principal, sessionId, 'read');
      if (access.role === 'owner') return events.subscribe(sessionId, listener);
      // A member hears the event that ends their access, then nothing more.
      const stop = events.subscribe(sessionId, (event) => {
        listener(event);
        if (
          event.type === 'sharing.changed' &&
          event.userId === principal.userId &&
          event.role === null
        )
          stop();
      });
      return stop;
    },
    async webhookDeliveries(principal, sessionId) {
      await ownedSession(storage, principal, sessionId);
      if (!options.webhooks || !storage.listOutbox) return [];
      return (await storage.listOutbox(principal.userId, sessionId)).map(toWebhookDelivery);
    },
    exportSession: (principal, sessionId) => exportSession(storage, principal, sessionId, iso()),
    async importSession(principal, document) {
      const record = await importSession({ storage, registry, newId }, principal, document);
      logger.info({ sessionId: record.id, workflowId: record.workflowId }, 'session imported');
      return view(record);
    },
    ...sharing,
    requestReview: reviews.requestReview,
    review: reviews.review,
    vote: reviews.vote,
    reviewsForMe: reviews.reviewsForMe,
  };
}
