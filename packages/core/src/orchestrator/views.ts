import type { z } from 'zod';
import type { OutboxRecord } from '../storage/outbox-types';
import type { HistoryRecord, LlmCallRecord, SessionRecord, TurnRecord } from '../storage/types';
import type { Workflow } from '../workflow/types';
import { inSchemaOrder } from './artifact-order';
import type {
  Session,
  SessionHistory,
  Turn,
  UsageFigures,
  UsageSummary,
  WebhookDelivery,
} from './view-types';

/** What a view needs of a workflow: its stage titles, and each topic's place in its stage. */
interface WorkflowOutline {
  titles: Map<string, string>;
  /** Each stage's artifact schema, so artifacts read in the order the schema declares. */
  schemas: Map<string, z.ZodType>;
  /** `stageId` → topic id → its 1-based number in the stage. */
  topicNumbers: Map<string, Map<string, number>>;
}

// A workflow version does not change while it is served (sessions pin it), so its outline is
// made once, not on every view.
const outlines = new WeakMap<Workflow, WorkflowOutline>();

function outlineOf(workflow: Workflow): WorkflowOutline {
  let outline = outlines.get(workflow);
  if (!outline) {
    outline = {
      titles: new Map(workflow.stages.map((stage) => [stage.id, stage.title])),
      schemas: new Map(workflow.stages.map((stage) => [stage.id, stage.artifact as z.ZodType])),
      topicNumbers: new Map(
        workflow.stages.map((stage) => [
          stage.id,
          new Map(stage.topics.map((topic, index) => [topic.id, index + 1])),
        ]),
      ),
    };
    outlines.set(workflow, outline);
  }
  return outline;
}

export function toSession(record: SessionRecord, workflow: Workflow): Session {
  const { titles, schemas, topicNumbers } = outlineOf(workflow);
  const pending = record.pending;
  const topics = pending ? topicNumbers.get(pending.stageId) : undefined;
  return {
    id: record.id,
    workflowId: record.workflowId,
    workflowVersion: record.workflowVersion,
    title: record.title,
    idea: record.idea,
    status: record.status,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    version: record.version,
    currentStageId: record.currentStageId,
    stages: record.stages.map((stage) => ({
      id: stage.stageId,
      title: titles.get(stage.stageId) ?? stage.stageId,
      status: stage.status,
      artifact:
        stage.artifact === null ? null : inSchemaOrder(stage.artifact, schemas.get(stage.stageId)),
      gate: stage.gate,
    })),
    pendingQuestion: pending && {
      id: pending.id,
      stageId: pending.stageId,
      topicId: pending.topicId,
      text: pending.text,
      originalText: pending.originalText ?? pending.text,
      topicNumber: (pending.topicId !== null && topics?.get(pending.topicId)) || null,
      topicCount: topics?.size ?? 0,
      kind: pending.kind,
      attempt: pending.attempt,
      maxAttempts: pending.maxAttempts,
      lastScore: pending.lastScore,
      issues: pending.issues,
      revisesTurnId: pending.revisesTurnId ?? null,
    },
    usage: {
      inputTokens: record.usage.inputTokens,
      outputTokens: record.usage.outputTokens,
      costUsd: record.usage.costUsd,
      unpricedCalls: record.usage.unpricedCalls,
    },
    result: record.result,
    revision: record.revision && {
      id: record.revision.id,
      turnId: record.revision.turnId,
      stageId: record.revision.stageId,
      stale: record.revision.stale,
    },
  };
}

/** The transcript as clients see it, each replaced answer pointing at its revision. */
export function toTurns(records: TurnRecord[]): Turn[] {
  const revisedBy = new Map<string, string>();
  for (const record of records)
    if (record.accepted && record.revisesTurnId) revisedBy.set(record.revisesTurnId, record.id);
  return records.map((record) => toTurn(record, revisedBy.get(record.id) ?? null));
}

function toTurn(record: TurnRecord, revisedBy: string | null): Turn {
  return {
    id: record.id,
    stageId: record.stageId,
    topicId: record.topicId,
    questionId: record.questionId,
    kind: record.kind,
    question: record.question,
    answer: record.answer,
    attempt: record.attempt,
    score: record.score,
    issues: record.issues,
    escalated: record.escalated,
    accepted: record.accepted,
    revisesTurnId: record.revisesTurnId ?? null,
    revisedBy,
    provider: record.provider,
    model: record.model,
    createdAt: record.createdAt,
  };
}

/** Sums a session's calls (failed ones included) in total, per provider and model, per stage. */
export function toUsageSummary(calls: LlmCallRecord[]): UsageSummary {
  const total = {
    calls: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costUsd: 0,
    unpricedCalls: 0,
  };
  const byProvider = new Map<string, UsageFigures & { provider: string; model: string }>();
  const byStage = new Map<string, UsageFigures & { stageId: string }>();
  const add = (figures: UsageFigures, call: LlmCallRecord) => {
    figures.calls += 1;
    figures.inputTokens += call.inputTokens;
    figures.outputTokens += call.outputTokens;
    figures.costUsd += call.costUsd ?? 0;
  };
  for (const call of calls) {
    add(total, call);
    total.cacheReadTokens += call.cacheReadTokens;
    total.cacheWriteTokens += call.cacheWriteTokens;
    if (call.costUsd === null) total.unpricedCalls += 1;
    const providerKey = `${call.provider}\u0000${call.model}`;
    if (!byProvider.has(providerKey)) {
      byProvider.set(providerKey, {
        provider: call.provider,
        model: call.model,
        calls: 0,
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
      });
    }
    add(byProvider.get(providerKey)!, call);
    const stageId = call.stageId ?? '(session)';
    if (!byStage.has(stageId))
      byStage.set(stageId, { stageId, calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 });
    add(byStage.get(stageId)!, call);
  }
  return { total, byProvider: [...byProvider.values()], byStage: [...byStage.values()] };
}

/** A session's history as clients see it: the answers, then each kind of version in order. */
export function toHistory(answers: Turn[], versions: HistoryRecord[]): SessionHistory {
  const history: SessionHistory = { answers, artifacts: [], results: [], reports: [] };
  for (const version of versions) {
    const entry = {
      version: version.sessionVersion,
      actorId: version.actorId,
      revisionId: version.revisionId,
      at: version.createdAt,
    };
    if (version.kind === 'artifact') {
      history.artifacts.push({
        ...entry,
        stageId: version.stageId ?? '',
        artifact: version.value,
        gate: version.gate,
      });
    } else if (version.kind === 'result') history.results.push({ ...entry, result: version.value });
    else history.reports.push({ ...entry, report: version.value });
  }
  return history;
}

/** An outbox message as its session's owner sees it: no payload, no lease. */
export function toWebhookDelivery(record: OutboxRecord): WebhookDelivery {
  return {
    id: record.id,
    eventType: record.eventType,
    endpointId: record.endpointId,
    status: record.status,
    createdAt: record.createdAt,
    attempts: record.attempts.map(({ at, status, error, durationMs }) => ({
      at,
      status,
      error,
      durationMs,
    })),
    nextAttemptAt: record.status === 'pending' ? record.nextAttemptAt : null,
    settledAt: record.settledAt,
  };
}
