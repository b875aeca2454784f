import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RICH_ANSWER } from './session-driver.test-support';
import { startTestApi, type TestApi } from './test-api.test-support';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const tracer = provider.getTracer('uaip-adapter-test');
const contextManager = new AsyncLocalStorageContextManager();
let api: TestApi;

beforeAll(async () => {
  context.setGlobalContextManager(contextManager.enable());
  api = await startTestApi({ tracer, orchestrator: { tracing: { tracer } } });
});
afterAll(async () => {
  await api.close();
  context.disable();
  await provider.shutdown();
});
afterEach(() => exporter.reset());

const named = (name: string) => exporter.getFinishedSpans().filter((span) => span.name === name);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('request spans', () => {
  it('makes a SERVER span per request, the parent of the turn span and its LLM attempts', async () => {
    const { token } = await api.user();
    const session = (
      await api.call('POST', '/api/v1/sessions', { token, body: { idea: 'Predict churn' } })
    ).json;
    exporter.reset();
    const path = `/api/v1/sessions/${session.id}/answers`;
    const answered = await api.call('POST', path, {
      token,
      body: { questionId: session.pendingQuestion.id, answer: RICH_ANSWER },
    });
    expect(answered.status).toBe(200);

    const [request] = named('POST /api/v1/sessions/:id/answers');
    expect(request).toMatchObject({
      kind: 1, // SERVER
      status: { code: 0 },
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/api/v1/sessions/:id/answers',
        'http.response.status_code': 200,
        'url.path': path,
        'url.scheme': 'http',
      },
    });
    expect(parentOf(request!)).toBeUndefined();
    const [turn] = named('uaip.turn');
    expect(parentOf(turn!)).toBe(request!.spanContext().spanId);
    expect(turn!.spanContext().traceId).toBe(request!.spanContext().traceId);
    const attempts = exporter
      .getFinishedSpans()
      .filter((span) => parentOf(span) === turn!.spanContext().spanId);
    expect(attempts.map((span) => span.attributes['gen_ai.provider.name'])).toContain('anthropic');
    // Neither the bearer token nor the answer.
    const everything = JSON.stringify(
      exporter.getFinishedSpans().map((span) => [span.attributes, span.events]),
    );
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(RICH_ANSWER);
  });

  it("leaves a client's error unset, with its status code, and the query string out", async () => {
    const listed = await api.call('GET', '/api/v1/sessions?cursor=secret-cursor');
    expect(listed.status).toBe(401);
    const [request] = named('GET /api/v1/sessions');
    expect(request!.status.code).toBe(0);
    expect(request!.attributes['http.response.status_code']).toBe(401);
    expect(request!.attributes['url.path']).toBe('/api/v1/sessions');
    expect(request!.attributes['error.type']).toBeUndefined();
    expect(JSON.stringify(request!.attributes)).not.toContain('secret-cursor');
  });
});
