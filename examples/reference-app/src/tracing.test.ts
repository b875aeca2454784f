import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startApp, tempDataDir } from './app-process.test-support';

/** One span as OTLP/JSON carries it (ids in hex, attributes as key and typed value). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
}

/** A tiny OTLP/HTTP receiver: what the app's exporter posts to /v1/traces, and with what resource. */
let receiver: Server;
let endpoint: string;
const spans: OtlpSpan[] = [];
const services: unknown[] = [];

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/v1/traces') {
        const { resourceSpans } = JSON.parse(body);
        for (const resource of resourceSpans) {
          services.push(attribute(resource.resource, 'service.name'));
          for (const scope of resource.scopeSpans) spans.push(...scope.spans);
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => receiver.close(resolve)));

function attribute(holder: Pick<OtlpSpan, 'attributes'>, key: string): unknown {
  const found = holder.attributes.find((item) => item.key === key)?.value;
  return found === undefined ? undefined : Object.values(found)[0];
}

describe('the reference app with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('exports the request, turn and LLM spans of an answer over OTLP/HTTP, flushed at shutdown', async () => {
    const data = await tempDataDir();
    const app = await startApp({
      DATA_DIR: data.dir,
      LLM_PROVIDERS: 'demo',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_SERVICE_NAME: 'uaip-under-test',
    });
    const answer = 'Cut monthly churn of prepaid customers from 8% to 5% by June, per Grace Hopper';
    try {
      const token = await signIn(app);
      const session = (
        await app.call('POST', '/api/v1/sessions', { token, body: { idea: 'Predict churn' } })
      ).json;
      const answered = await app.call('POST', `/api/v1/sessions/${session.id}/answers`, {
        token,
        body: { questionId: session.pendingQuestion.id, answer },
      });
      expect(answered.status).toBe(200);
    } finally {
      expect(await app.stop()).toBe(0);
      await data.remove();
    }

    expect(services).toContain('uaip-under-test');
    const request = spans.find((span) => span.name === 'POST /api/v1/sessions/:id/answers');
    expect(request).toBeDefined();
    expect(request!.kind).toBe(2); // OTLP's SPAN_KIND_SERVER
    expect(attribute(request!, 'http.response.status_code')).toBe(200);
    const turn = spans.find((span) => span.name === 'uaip.turn');
    expect(turn?.parentSpanId).toBe(request!.spanId);
    expect(turn!.traceId).toBe(request!.traceId);
    expect(attribute(turn!, 'uaip.session.id')).toEqual(expect.any(String));
    const attempts = spans.filter((span) => span.parentSpanId === turn!.spanId);
    expect(attempts.map((span) => span.name)).toContain('chat demo');
    expect(attribute(attempts[0]!, 'gen_ai.provider.name')).toBe('uaip.demo');
    expect(attribute(attempts[0]!, 'uaip.llm.purpose')).toBe('scoring');
    expect(JSON.stringify(spans)).not.toContain('Grace Hopper');
  });
});
