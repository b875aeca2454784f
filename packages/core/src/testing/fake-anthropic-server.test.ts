import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  OverloadedError,
  RateLimitError,
} from '@anthropic-ai/sdk';
import type { Message, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeAnthropic } from './fake-anthropic-server';
import { type FakeLlmServer, NOT_JSON_TEXT } from './fake-server-core';

let server: FakeLlmServer;
let client: Anthropic;
const params = {
  model: 'claude-haiku-5-5',
  max_tokens: 256,
  messages: [{ role: 'user' as const, content: 'Rate this answer.' }],
};

beforeEach(async () => {
  server = await startFakeAnthropic();
  client = new Anthropic({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
});
afterEach(() => server.close());

const textOf = (message: Message) =>
  message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');

/** Runs `call` and returns what it threw. */
async function failure(call: () => Promise<unknown>): Promise<unknown> {
  return call().then(
    () => expect.unreachable('expected the call to fail'),
    (error: unknown) => error,
  );
}

async function collect(stream: AsyncIterable<RawMessageStreamEvent>) {
  const events: RawMessageStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('startFakeAnthropic replies', () => {
  const reply = {
    kind: 'reply' as const,
    text: '{"score": 8, "issues": []}',
    thinking: 'Looks fine.',
    inputTokens: 120,
    outputTokens: 30,
    cacheReadTokens: 900,
    cacheWriteTokens: 40,
  };

  it('streams SSE events the SDK parses, thinking block first', async () => {
    server.enqueue(reply);
    const events = await collect(await client.messages.create({ ...params, stream: true }));
    expect(events.map((event) => event.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      ...Array(3).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const text = events.flatMap((event) =>
      event.type === 'content_block_delta' && event.delta.type === 'text_delta'
        ? [event.delta.text]
        : [],
    );
    expect(text.join('')).toBe(reply.text);
    expect(events[1]).toMatchObject({ index: 0, content_block: { type: 'thinking' } });
    expect(events[0]).toMatchObject({
      message: {
        model: 'claude-haiku-5-5',
        usage: { input_tokens: 120, cache_read_input_tokens: 900, cache_creation_input_tokens: 40 },
      },
    });
    expect(events.at(-2)).toMatchObject({
      delta: { stop_reason: 'end_turn' },
      usage: { output_tokens: 30 },
    });
  });

  it('answers a non-streaming create with a JSON message', async () => {
    server.enqueue(reply);
    const message = await client.messages.create(params);
    expect(message.content.map((block) => block.type)).toEqual(['thinking', 'text']);
    expect(textOf(message)).toBe(reply.text);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({
      input_tokens: 120,
      output_tokens: 30,
      cache_read_input_tokens: 900,
      cache_creation_input_tokens: 40,
    });
  });

  it('assembles the same message through messages.stream().finalMessage()', async () => {
    server.enqueue(reply);
    const message = await client.messages.stream(params).finalMessage();
    expect(textOf(message)).toBe(reply.text);
    expect(message.content[0]).toMatchObject({ type: 'thinking', thinking: 'Looks fine.' });
    expect(message.usage).toMatchObject({ input_tokens: 120, output_tokens: 30 });
    expect(message.usage.cache_read_input_tokens).toBe(900);
  });

  it('sends a chatty non-JSON text for invalid_json', async () => {
    server.enqueue({ kind: 'invalid_json' });
    const message = await client.messages.stream(params).finalMessage();
    expect(textOf(message)).toBe(NOT_JSON_TEXT);
    expect(() => JSON.parse(textOf(message))).toThrow();
  });

  it('lists the configured models for probes, and wants credentials', async () => {
    const page = await client.models.list();
    expect(page.data.map((model) => model.id)).toEqual([
      'claude-haiku-5-5',
      'claude-sonnet-5-5',
      'claude-opus-5-5',
    ]);
    expect(page.data[1]?.display_name).toBe('Claude Sonnet 5.5');
    const bare = await fetch(`${server.url}/v1/models`, {
      headers: { 'anthropic-version': '2023-06-01' },
    });
    expect(bare.status).toBe(401);
    expect(bare.headers.get('request-id')).toMatch(/^req_/);
    expect(await bare.json()).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error' },
      request_id: expect.stringMatching(/^req_/),
    });
  });
});

describe('startFakeAnthropic faults', () => {
  it('sends HTTP errors the SDK maps to its classes, retry-after verbatim', async () => {
    server.enqueue(
      { kind: 'status', status: 429, retryAfter: '7' },
      { kind: 'status', status: 529 },
      { kind: 'status', status: 401 },
      { kind: 'status', status: 404, message: 'no such thing' },
    );
    const limited = await failure(() => client.messages.create(params));
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited).toMatchObject({ status: 429, type: 'rate_limit_error' });
    expect((limited as RateLimitError).headers.get('retry-after')).toBe('7');
    expect((limited as RateLimitError).requestID).toMatch(/^req_/);

    const overloaded = await failure(() => client.messages.create(params));
    expect(overloaded).toBeInstanceOf(OverloadedError);
    expect(overloaded).toBeInstanceOf(InternalServerError);
    expect(overloaded).toMatchObject({ status: 529, type: 'overloaded_error' });

    const denied = await failure(() => client.messages.create(params));
    expect(denied).toBeInstanceOf(AuthenticationError);
    const missing = await failure(() => client.messages.create(params));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ apiMessage: 'no such thing' });
  });

  it('reports a mid-stream error event as an APIError without a status', async () => {
    server.enqueue({ kind: 'stream_error' }, { kind: 'stream_error', errorType: 'api_error' });
    const events: RawMessageStreamEvent[] = [];
    const error = await failure(async () => {
      for await (const event of await client.messages.create({ ...params, stream: true })) {
        events.push(event);
      }
    });
    // The SDK throws a plain APIError: status undefined, the type from the event's body.
    expect(error).toBeInstanceOf(APIError);
    expect(error).not.toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: undefined, type: 'overloaded_error' });
    expect(events.at(-1)).toMatchObject({ delta: { type: 'text_delta', text: '{"answer": "' } });

    const viaHelper = await failure(() => client.messages.stream(params).finalMessage());
    expect(viaHelper).toMatchObject({ status: undefined, type: 'api_error' });
  });

  it('drops the connection for reset', async () => {
    server.enqueue({ kind: 'reset' });
    const error = await failure(() => client.messages.create(params));
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).not.toBeInstanceOf(APIConnectionTimeoutError);
  });

  it('never answers for hang, so the client timeout fires', async () => {
    server.enqueue({ kind: 'hang' });
    const error = await failure(() => client.messages.create(params, { timeout: 200 }));
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
  });

  it('stalls after the opening events until the caller aborts', async () => {
    server.enqueue({ kind: 'stall', partialText: '{"sco' }, { kind: 'stall' });
    // The SDK's timeout only covers the wait for headers; a stalled body is the caller's to end.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 100);
    const stream = await client.messages.create(
      { ...params, stream: true },
      { signal: controller.signal },
    );
    // Surprise: the SDK's Stream swallows the AbortError, so iteration just ends, without
    // message_stop. A caller must check signal.aborted (or for message_stop) itself.
    const events = await collect(stream);
    clearTimeout(timer);
    expect(controller.signal.aborted).toBe(true);
    expect(events.map((event) => event.type)).not.toContain('message_stop');
    expect(events.at(-1)).toMatchObject({ delta: { text: '{"sco' } });

    // The MessageStream helper does report it, as APIUserAbortError.
    const helper = client.messages.stream(params, { signal: AbortSignal.timeout(100) });
    expect(await failure(() => helper.finalMessage())).toBeInstanceOf(APIUserAbortError);
  });
});

describe('startFakeAnthropic validation (5.x rules)', () => {
  it.each([
    ['temperature', { temperature: 0.2 }],
    ['top_p', { top_p: 0.9 }],
    ['top_k', { top_k: 5 }],
    ['a thinking budget', { thinking: { type: 'enabled', budget_tokens: 2048 } }],
    [
      'an assistant prefill',
      { messages: [...params.messages, { role: 'assistant', content: '{' }] },
    ],
    ['forced tool use on Sonnet', { model: 'claude-sonnet-5-5', tool_choice: { type: 'any' } }],
  ])('answers 400 to %s without using the queue', async (_name, extra) => {
    server.enqueue({ kind: 'reply', text: 'queued' });
    const error = await failure(() => client.messages.create({ ...params, ...extra } as never));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ type: 'invalid_request_error' });
    expect(textOf(await client.messages.create(params))).toBe('queued');
  });

  it('accepts adaptive thinking, and forced tool use on Haiku', async () => {
    const tools = [{ name: 'rate', input_schema: { type: 'object' as const } }];
    await client.messages.create({ ...params, thinking: { type: 'adaptive' } });
    await client.messages.create({ ...params, tools, tool_choice: { type: 'tool', name: 'rate' } });
    expect(server.generationRequests()).toHaveLength(2);
  });

  it('answers 404 to an unknown or retired model', async () => {
    const error = await failure(() =>
      client.messages.create({ ...params, model: 'claude-3-haiku-20240307' }),
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ type: 'not_found_error' });
  });
  it('applies the 5.x rules only to 5.x models from options.models', async () => {
    const legacy = await startFakeAnthropic({ models: ['claude-legacy-1'] });
    const other = new Anthropic({ apiKey: 'test', baseURL: legacy.url, maxRetries: 0 });
    try {
      await other.messages.create({
        ...params,
        model: 'claude-legacy-1',
        temperature: 0,
      } as typeof params);
      expect(await failure(() => other.messages.create(params))).toBeInstanceOf(NotFoundError);
    } finally {
      await legacy.close();
    }
  });
});

describe('startFakeAnthropic recording and scripting', () => {
  it('records every request in order with its parsed body', async () => {
    const system = [
      { type: 'text' as const, text: 'Rubric', cache_control: { type: 'ephemeral' as const } },
    ];
    await client.models.list();
    await client.messages.create({ ...params, system });
    await client.messages.create({ ...params, model: 'claude-opus-5-5', stream: true });
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /v1/models',
      'POST /v1/messages',
      'POST /v1/messages',
    ]);
    const [first, second] = server.generationRequests();
    expect(first?.body.system[0].cache_control).toEqual({ type: 'ephemeral' });
    expect(first?.headers.authorization).toBe('Bearer test');
    expect(second?.body).toMatchObject({ model: 'claude-opus-5-5', stream: true });
  });

  it('uses the queue first in first out, then the responder', async () => {
    const responder = vi.fn((body: { messages: unknown[] }) => ({
      text: `n=${body.messages.length}`,
    }));
    server.respond(responder);
    server.enqueue({ kind: 'reply', text: 'one' }, { kind: 'reply', text: 'two' });
    const texts: string[] = [];
    for (let call = 0; call < 3; call++) texts.push(textOf(await client.messages.create(params)));
    expect(texts).toEqual(['one', 'two', 'n=1']);
    expect(responder).toHaveBeenCalledOnce();
  });

  it('replies {} by default', async () => {
    expect(textOf(await client.messages.create(params))).toBe('{}');
  });

  it('close() ends a hung request instead of waiting for it', async () => {
    server.enqueue({ kind: 'hang' });
    const pending = failure(() => client.messages.create(params));
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    await server.close();
    expect(await pending).toBeInstanceOf(APIConnectionError);
  });
});
