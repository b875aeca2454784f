// The fixed content of the fake server (fake-api.test-support.ts) and its response builders.

import type { Session, SessionSummary } from './api-types';

export const UAIP_STAGES = [
  ['business-translation', 'Business Translation'],
  ['value-quantification', 'Value Quantification'],
  ['data-feasibility', 'Data Feasibility'],
  ['user-centricity', 'User Centricity'],
  ['ethical-governance', 'Ethical Governance'],
] as const;

/** The artifact every completed stage gets: nested, to exercise the artifact view. */
export const SAMPLE_ARTIFACT = {
  businessObjective: 'Reduce monthly churn',
  alternativesTried: ['Discount emails', 'Exit survey'],
  inputFeatures: [{ name: 'days since last login', availableInProduction: true }],
  scope: { inScope: ['EU customers'], outOfScope: [] },
};

/** What the fake's charter reports (its JSON format), built from the session as it stands. */
export interface FakeReport {
  kind: 'uaip-charter';
  title: string;
  /**
   * `revise` while a stage's gate failed, as the U-AIP charter caps it; else
   * `submit_to_committee` for an idea that mentions a committee, `proceed` otherwise.
   */
  decision: {
    decision: 'proceed' | 'revise' | 'submit_to_committee';
    requiresCommitteeReview: boolean;
    failedGates: string[];
  };
  stages: Record<string, unknown>;
  usage: { inputTokens: number; outputTokens: number; costUsd: number };
}

/** The charter of a session as JSON. */
export function fakeReport(session: Session): FakeReport {
  const failedGates = session.stages
    .filter((stage) => stage.gate?.passed === false)
    .map((stage) => stage.id);
  const decision =
    failedGates.length > 0
      ? 'revise'
      : session.idea.includes('committee')
        ? 'submit_to_committee'
        : 'proceed';
  return {
    kind: 'uaip-charter',
    title: session.title,
    decision: {
      decision,
      requiresCommitteeReview: decision === 'submit_to_committee',
      failedGates,
    },
    stages: Object.fromEntries(session.stages.map((stage) => [stage.id, stage.artifact])),
    usage: {
      inputTokens: session.usage.inputTokens,
      outputTokens: session.usage.outputTokens,
      costUsd: session.usage.costUsd,
    },
  };
}

/** The decisions in words, as the charter and the list say them. */
export const DECISION_WORDS = {
  proceed: 'Proceed',
  revise: 'Revise',
  submit_to_committee: 'Submit to committee',
} as const;

/**
 * The charter as Markdown: its decision and the first stage's objective from the report, with
 * escaped markup (which must stay text) and two tables, one wide; and where its committee
 * review stands (`review`), when one was requested.
 */
export function charterMarkdown(report: FakeReport, review?: string): string {
  const first = Object.values(report.stages)[0] as { businessObjective?: string } | null;
  const objective = first?.businessObjective ?? SAMPLE_ARTIFACT.businessObjective;
  const decision = DECISION_WORDS[report.decision.decision];
  return `# AI Project Charter: ${report.title}

> **Produced with the demo provider**

**Decision:** ${decision}

## 1. Business Translation

- **Objective:** ${objective} \\<script\\>alert(1)\\</script\\>
- **Archetype:** classification

| Principle | Level |
| --- | --- |
| Fairness | LOW |

## 2. Value Quantification

| KPI | Baseline | Target | Time frame | Measured by | Business impact |
| --- | --- | --- | --- | --- | --- |
| Monthly churn rate | 8% | 5% | by September 2027 | billing deactivations | 2.4 million EUR a year |
${review ? `\n## Committee review\n\n${review}\n` : ''}`;
}

/** A session as `GET /sessions` lists it, with its charter's decision once completed. */
export function toSummary(session: Session): SessionSummary {
  const { id, workflowId, title, status, currentStageId, createdAt, updatedAt } = session;
  const outcome =
    status !== 'completed' ? null : DECISION_WORDS[fakeReport(session).decision.decision];
  return { id, workflowId, title, status, currentStageId, outcome, createdAt, updatedAt };
}

/** `GET /sessions/:id/charter?format=…` of a completed session (`review`: see {@link charterMarkdown}). */
export function charterResponse(
  session: Session,
  format: string | null,
  review?: string,
): Response {
  const report = fakeReport(session);
  if (format === 'md')
    return new Response(charterMarkdown(report, review), {
      headers: { 'content-type': 'text/markdown; charset=utf-8' },
    });
  if (format === 'html')
    return new Response('<!doctype html><h1>Charter</h1>', {
      headers: { 'content-type': 'text/html; charset=utf-8' },
    });
  return json(200, report);
}

export const encoder = new TextEncoder();

/** A JSON response as the contract sends it, with a request id. */
export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'x-request-id': 'req-fake', ...headers },
  });

/** The contract's error body, with `Retry-After` when given. */
export const error = (status: number, code: string, message = code, retryAfter?: number) =>
  json(
    status,
    { error: { code, message, requestId: 'req-fake' } },
    retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) },
  );

/**
 * An open `text/event-stream` response: its controller joins `subscribers` (events are
 * enqueued there) until the client cancels or aborts, as a real server's socket would end.
 */
export function eventStream(
  subscribers: Set<ReadableStreamDefaultController<Uint8Array>>,
  signal: AbortSignal | undefined,
): Response {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController;
      subscribers.add(controller);
      controller.enqueue(encoder.encode(': connected\n\n'));
    },
    cancel() {
      subscribers.delete(controller);
    },
  });
  signal?.addEventListener('abort', () => {
    subscribers.delete(controller);
    controller.error(new DOMException('The operation was aborted.', 'AbortError'));
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}
