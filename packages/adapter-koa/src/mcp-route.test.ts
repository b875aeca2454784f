import type { Principal } from '@uaip/core';
import { afterEach, expect, test } from 'vitest';
import type { McpEndpoint } from './mcp-route';
import { startTestApi, type TestApi } from './test-api.test-support';

// The `mcp` option: any web-standard endpoint served at <prefix>/mcp behind the API's auth and
// limits (@uaip/mcp-server's own tests run the real one).
interface Seen {
  method: string;
  body: string;
  principal: Principal;
  host: string | null;
}

const apis: TestApi[] = [];
afterEach(async () => {
  for (const api of apis.splice(0)) await api.close();
});

/** An endpoint that records what it got; POST echoes JSON, GET streams two events. */
function recordingEndpoint(seen: Seen[]): McpEndpoint {
  return {
    async fetch(request, principal) {
      seen.push({
        method: request.method,
        body: await request.text(),
        principal,
        host: new URL(request.url).host,
      });
      if (request.method === 'GET') {
        const events = ['event: message\ndata: 1\n\n', 'event: message\ndata: 2\n\n'];
        const stream = new ReadableStream({
          pull(controller) {
            const next = events.shift();
            if (next) controller.enqueue(new TextEncoder().encode(next));
            else controller.close();
          },
        });
        return new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
      }
      return Response.json(
        { jsonrpc: '2.0', id: 1, result: {} },
        { headers: { 'mcp-extra': 'yes' } },
      );
    },
    spendsLlm: (body) => (body as { method?: string })?.method === 'tools/call',
  };
}

async function start(seen: Seen[], llmPerHour = 1000) {
  const api = await startTestApi({
    mcp: recordingEndpoint(seen),
    rateLimits: {
      llmPerHour,
      registrationsPerAddressPerHour: 100_000,
      anonymousPerAddressPerHour: 100_000,
    },
  });
  apis.push(api);
  return api;
}

test('a signed-in request reaches the endpoint with its principal and body; the reply goes back through Koa', async () => {
  const seen: Seen[] = [];
  const api = await start(seen);
  const { token, id } = await api.user();
  const reply = await api.call('POST', '/api/v1/mcp', {
    token,
    body: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
  });
  expect(reply.status).toBe(200);
  expect(reply.json).toEqual({ jsonrpc: '2.0', id: 1, result: {} });
  expect(reply.headers.get('mcp-extra')).toBe('yes');
  expect(reply.headers.get('x-request-id')).toBeTruthy();
  expect(seen).toEqual([
    {
      method: 'POST',
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      principal: { userId: id },
      host: new URL(api.url).host,
    },
  ]);

  const stream = await api.call('GET', '/api/v1/mcp', { token });
  expect(stream.headers.get('content-type')).toBe('text/event-stream');
  expect(stream.text).toBe('event: message\ndata: 1\n\nevent: message\ndata: 2\n\n');
});

test('without a token, or with a body that is not JSON, the endpoint is never called', async () => {
  const seen: Seen[] = [];
  const api = await start(seen);
  const anonymous = await api.call('POST', '/api/v1/mcp', { body: { jsonrpc: '2.0' } });
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
  const { token } = await api.user();
  const text = await api.call('POST', '/api/v1/mcp', {
    token,
    rawBody: 'hello',
    headers: { 'content-type': 'text/plain' },
  });
  expect(text.status).toBe(415);
  expect((await api.call('PUT', '/api/v1/mcp', { token })).status).toBe(405);
  expect(seen).toEqual([]);
});

test('a request the endpoint says spends LLM tokens counts against the LLM limit', async () => {
  const seen: Seen[] = [];
  const api = await start(seen, 1);
  const { token } = await api.user();
  const toolCall = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x' } };
  expect((await api.call('POST', '/api/v1/mcp', { token, body: toolCall })).status).toBe(200);
  const over = await api.call('POST', '/api/v1/mcp', { token, body: toolCall });
  expect(over.status).toBe(429);
  expect(over.json.error.code).toBe('rate_limited');
  const list = { jsonrpc: '2.0', id: 2, method: 'tools/list' };
  expect((await api.call('POST', '/api/v1/mcp', { token, body: list })).status).toBe(200);
  expect(seen).toHaveLength(2);
});

test('a JSON-RPC batch counts once per message: five tool calls in one POST are over a limit of two', async () => {
  const seen: Seen[] = [];
  const api = await start(seen, 2);
  const { token } = await api.user();
  const batch = [1, 2, 3, 4, 5].map((id) => ({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name: 'x' },
  }));
  const over = await api.call('POST', '/api/v1/mcp', { token, body: batch });
  expect(over.status).toBe(429);
  expect(over.json.error.code).toBe('rate_limited');
  expect(seen).toEqual([]);
  const two = batch.slice(0, 2);
  const fresh = await start([], 2);
  const other = await fresh.user();
  expect((await fresh.call('POST', '/api/v1/mcp', { token: other.token, body: two })).status).toBe(
    200,
  );
});
