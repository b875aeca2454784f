// Types only: `@opentelemetry/api` is an optional peer, so nothing of it may load at run time.
// The host's tracer does the work, and its context manager does the parenting.
import type {
  Attributes,
  Span,
  SpanKind,
  SpanOptions,
  SpanStatusCode,
  Tracer,
} from '@opentelemetry/api';
import { UaipError } from '../errors';
import type { LlmRequest } from '../llm/types';
import type { LlmCallRecord, SessionRecord } from '../storage/types';
import type { TurnPlan } from './stage-executor';

/**
 * OpenTelemetry tracing of turns: a span per turn with a child span per LLM attempt, following
 * the GenAI semantic conventions. See the tracing guide (docs/tracing.md).
 */
export interface TracingOptions {
  /**
   * A tracer of the host's OpenTelemetry SDK, e.g. `trace.getTracer('uaip')`. The host's
   * context manager (AsyncLocalStorage on Node) parents a turn's span to the span active when
   * it starts, such as an HTTP request's, and its LLM attempts to the turn.
   */
  tracer: Tracer;
  /**
   * Also records what was sent to the model and what it answered (`gen_ai.system_instructions`,
   * `gen_ai.input.messages`, `gen_ai.output.messages`): people's answers, so personal data,
   * in your traces. @default false
   */
  recordContent?: boolean;
}

// The api's enums are run-time values, which this file may not import; their numbers are stable.
const INTERNAL: SpanKind.INTERNAL = 0;
const CLIENT: SpanKind.CLIENT = 2;
const ERROR: SpanStatusCode.ERROR = 2;

/** The one span of a turn, and what it learns as the turn runs. */
export class TurnTrace {
  constructor(
    private readonly span: Span,
    private readonly tracer: Tracer,
    private readonly recordContent: boolean,
  ) {}

  /** The question being answered, once the session is loaded and the question claimed. */
  held(session: SessionRecord): void {
    const pending = session.pending!;
    const attributes: Attributes = {
      'uaip.workflow.id': session.workflowId,
      'uaip.workflow.version': session.workflowVersion,
      'uaip.stage.id': pending.stageId,
      'uaip.question.id': pending.id,
      'uaip.question.kind': pending.kind,
      'uaip.question.attempt': pending.attempt,
    };
    if (session.revision) attributes['uaip.revision.id'] = session.revision.id;
    this.span.setAttributes(attributes);
  }

  /**
   * One LLM attempt, told once it has ended (the usage ledger's record: times, tokens, cost):
   * a CLIENT span with its own start and end. `request` and `reply` are the call's, the reply
   * with the call's last attempt only.
   */
  attempt(call: LlmCallRecord, request: LlmRequestText | undefined, reply: unknown): void {
    const start = Date.parse(call.createdAt);
    const attributes: Attributes = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': providerName(call.provider),
      'gen_ai.request.model': call.model,
      'gen_ai.conversation.id': call.sessionId,
      'gen_ai.output.type': 'json',
      'gen_ai.usage.input_tokens': call.inputTokens,
      'gen_ai.usage.output_tokens': call.outputTokens,
      'gen_ai.usage.cache_read.input_tokens': call.cacheReadTokens,
      'gen_ai.usage.cache_creation.input_tokens': call.cacheWriteTokens,
      'uaip.llm.purpose': call.purpose,
      'uaip.llm.tier': call.tier,
      'uaip.llm.outcome': call.outcome,
    };
    if (call.costUsd !== null) attributes['uaip.cost_usd'] = call.costUsd;
    if (call.errorKind !== null) attributes['error.type'] = call.errorKind;
    if (this.recordContent && request) {
      attributes['gen_ai.system_instructions'] = JSON.stringify([
        { type: 'text', content: request.system },
      ]);
      attributes['gen_ai.input.messages'] = JSON.stringify(
        request.messages.map(({ role, content }) => ({
          role,
          parts: [{ type: 'text', content }],
        })),
      );
      if (reply !== undefined) {
        attributes['gen_ai.output.messages'] = JSON.stringify([
          {
            role: 'assistant',
            parts: [{ type: 'text', content: JSON.stringify(reply) }],
            finish_reason: 'stop',
          },
        ]);
      }
    }
    // Dates, not numbers: the SDK reads a number older than the process as a monotonic offset.
    const options: SpanOptions = { kind: CLIENT, startTime: new Date(start), attributes };
    // No context given: the active one is the turn's, so the attempt becomes its child.
    const span = this.tracer.startSpan(`chat ${call.model}`, options);
    if (call.outcome !== 'ok') {
      span.setStatus({ code: ERROR, message: call.errorKind ?? call.outcome });
    }
    span.end(new Date(start + call.latencyMs));
  }

  /** The chain will try the same provider again after `delayMs`. */
  readonly retry = (retry: {
    provider: string;
    attempt: number;
    reason: string;
    delayMs: number;
  }) => {
    this.span.addEvent('uaip.llm.retry', {
      'gen_ai.provider.name': providerName(retry.provider),
      'error.type': retry.reason,
      'uaip.llm.retry.attempt': retry.attempt,
      'uaip.llm.retry.delay_ms': retry.delayMs,
    });
  };

  /** The chain gave up on one provider and moves on to the next. */
  fallback(from: string, to: string, reason: string): void {
    this.span.addEvent('uaip.llm.fallback', {
      'uaip.llm.fallback.from': providerName(from),
      'uaip.llm.fallback.to': providerName(to),
      'error.type': reason,
    });
  }

  /** How the turn ended, once committed, and what its calls cost. */
  done(plan: TurnPlan, calls: LlmCallRecord[]): void {
    let cost = 0;
    for (const call of calls) cost += call.costUsd ?? 0;
    this.span.setAttributes({
      'uaip.turn.outcome': plan.outcome.kind,
      'uaip.turn.score': plan.turn.score,
      'uaip.turn.escalated': plan.turn.escalated,
      'uaip.llm.calls': calls.length,
      'uaip.cost_usd': cost,
    });
  }
}

/** The parts of a request that are content: recorded only when the host opts in. */
export type LlmRequestText = Pick<LlmRequest, 'system' | 'messages'>;

/**
 * Runs a turn inside its span (`uaip.turn`, made active so the attempts are its children),
 * recording a failure on it: the exception, status ERROR, and `error.type` (the error code).
 */
export function traceTurn<T>(
  tracing: TracingOptions,
  operation: 'answer' | 'revise',
  sessionId: string,
  run: (trace: TurnTrace) => Promise<T>,
): Promise<T> {
  const { tracer } = tracing;
  const options: SpanOptions = {
    kind: INTERNAL,
    attributes: { 'uaip.session.id': sessionId, 'uaip.turn.operation': operation },
  };
  return tracer.startActiveSpan('uaip.turn', options, async (span) => {
    try {
      return await run(new TurnTrace(span, tracer, tracing.recordContent ?? false));
    } catch (error) {
      const type = UaipError.isInstance(error)
        ? error.code
        : error instanceof Error
          ? error.name
          : '_OTHER';
      span.setAttribute('error.type', type);
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: ERROR, message: error instanceof Error ? error.message : type });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** `gen_ai.provider.name`: the provider's id, the offline demo marked as ours. */
function providerName(id: string): string {
  return id === 'demo' ? 'uaip.demo' : id;
}
