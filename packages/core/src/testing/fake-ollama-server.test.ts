import { type ChatResponse, Ollama } from 'ollama';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeOllama } from './fake-ollama-server';
import { type FakeLlmServer, NOT_JSON_TEXT } from './fake-server-core';

let server: FakeLlmServer;
let ollama: Ollama;
const request = { model: 'llama3.2', messages: [{ role: 'user', content: 'Rate this answer.' }] };

beforeEach(async () => {
  server = await startFakeOllama();
  ollama = new Ollama({ host: server.url });
});
afterEach(() => server.close());

/** Runs `call` and returns what it threw. */
async function failure(call: () => Promise<unknown>): Promise<unknown> {
  return call().then(
    () => expect.unreachable('expected the call to fail'),
    (error: unknown) => error,
  );
}

/** Iterates a streamed chat, keeping every chunk, and returns the chunks. */
async function drain(stream: AsyncIterable<ChatResponse>, into: ChatResponse[] = []) {
  for await (const chunk of stream) into.push(chunk);
  return into;
}

describe('startFakeOllama replies', () => {
  const reply = { kind: 'reply' as const, text: '{"score": 8, "issues": []}', inputTokens: 42 };

  it('streams NDJSON chunks and a final done chunk with the counts', async () => {
    server.enqueue({ ...reply, outputTokens: 9 });
    const chunks = await drain(await ollama.chat({ ...request, stream: true }));
    expect(chunks.map((chunk) => chunk.message.content).join('')).toBe(reply.text);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.slice(0, -1).every((chunk) => !chunk.done)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({
      model: 'llama3.2',
      done: true,
      done_reason: 'stop',
      message: { role: 'assistant', content: '' },
      prompt_eval_count: 42,
      eval_count: 9,
    });
  });

  it('streams thinking in its own field before the answer', async () => {
    server.enqueue({ ...reply, thinking: 'Looks fine.' });
    const chunks = await drain(await ollama.chat({ ...request, stream: true, think: true }));
    expect(chunks[0]?.message).toMatchObject({ thinking: 'Looks fine.', content: '' });
    expect(chunks.map((chunk) => chunk.message.content).join('')).toBe(reply.text);
  });

  it('answers stream: false with one JSON object, and records the format sent', async () => {
    server.enqueue(reply);
    const format = { type: 'object', properties: { score: { type: 'number' } } };
    const response = await ollama.chat({ ...request, format });
    expect(response.message).toEqual({ role: 'assistant', content: reply.text });
    expect(response).toMatchObject({ done: true, prompt_eval_count: 42, eval_count: 7 });
    expect(server.generationRequests()[0]?.body).toMatchObject({ stream: false, format });
  });

  it('sends a chatty non-JSON text for invalid_json', async () => {
    server.enqueue({ kind: 'invalid_json' });
    expect((await ollama.chat(request)).message.content).toBe(NOT_JSON_TEXT);
  });

  it('lists the pulled models, with the implied :latest tag, and its version', async () => {
    const { models } = await ollama.list();
    expect(models.map((model) => model.name)).toEqual(['llama3.2:latest']);
    expect(models[0]?.details.family).toBe('llama');
    expect(await ollama.version()).toEqual({ version: '0.12.0' });
    expect(await (await fetch(server.url)).text()).toBe('Ollama is running');
  });
});

describe('startFakeOllama faults', () => {
  it('answers 404 to a model that is not pulled, without using the queue', async () => {
    server.enqueue({ kind: 'reply', text: 'queued' });
    const error = await failure(() => ollama.chat({ ...request, model: 'qwen3' }));
    expect(error).toMatchObject({
      name: 'ResponseError',
      status_code: 404,
      message: 'model "qwen3" not found, try pulling it first',
    });
    expect((await ollama.chat({ ...request, model: 'llama3.2:latest' })).message.content).toBe(
      'queued',
    );
  });

  it('sends HTTP errors as ResponseError with the status code', async () => {
    server.enqueue(
      { kind: 'status', status: 429, retryAfter: '3' },
      { kind: 'status', status: 500, message: 'llama runner process has terminated' },
    );
    expect(await failure(() => ollama.chat(request))).toMatchObject({
      name: 'ResponseError',
      status_code: 429,
      message: 'too many requests',
    });
    expect(await failure(() => ollama.chat(request))).toMatchObject({
      status_code: 500,
      message: 'llama runner process has terminated',
    });
    // The client drops the headers; read them raw.
    server.enqueue({ kind: 'status', status: 429, retryAfter: '3' });
    const raw = await fetch(`${server.url}/api/chat`, {
      method: 'POST',
      body: JSON.stringify(request),
    });
    expect(raw.headers.get('retry-after')).toBe('3');
    expect(raw.headers.get('content-type')).toBe('application/json');
    expect(await raw.json()).toEqual({ error: 'too many requests' });
  });

  it('puts a mid-stream error inside the 200 stream; the client throws its message', async () => {
    server.enqueue({ kind: 'stream_error', message: 'out of memory', partialText: '{"sc' });
    const chunks: ChatResponse[] = [];
    const error = await failure(async () =>
      drain(await ollama.chat({ ...request, stream: true }), chunks),
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ message: 'out of memory' });
    expect(chunks.map((chunk) => chunk.message.content)).toEqual(['{"sc']);
  });

  it('answers a failed non-streaming generation with a 500', async () => {
    server.enqueue({ kind: 'stream_error' });
    expect(await failure(() => ollama.chat(request))).toMatchObject({ status_code: 500 });
  });

  it('drops the connection for reset: fetch fails with a TypeError', async () => {
    server.enqueue({ kind: 'reset' }, { kind: 'reset' });
    const error = await failure(() => ollama.chat(request));
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ message: 'fetch failed' });
    expect(await failure(() => ollama.chat({ ...request, stream: true }))).toBeInstanceOf(
      TypeError,
    );
  });

  it('stalls a stream until the caller aborts it', async () => {
    server.enqueue({ kind: 'stall' });
    const stream = await ollama.chat({ ...request, stream: true });
    const timer = setTimeout(() => stream.abort(), 100);
    const chunks: ChatResponse[] = [];
    // Unlike the Anthropic SDK, the ollama client lets the AbortError through.
    const error = await failure(() => drain(stream, chunks));
    clearTimeout(timer);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(chunks.map((chunk) => chunk.message.content)).toEqual(['{"answer": "']);
  });

  it('close() breaks a stalled stream: the client throws TypeError terminated', async () => {
    server.enqueue({ kind: 'stall' });
    const stream = await ollama.chat({ ...request, stream: true });
    const pending = failure(() => drain(stream));
    await server.close();
    expect(await pending).toMatchObject({ name: 'TypeError', message: 'terminated' });
  });

  it('close() ends a hung request instead of waiting for it', async () => {
    server.enqueue({ kind: 'hang' });
    const pending = failure(() => ollama.chat(request));
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    await server.close();
    expect(await pending).toBeInstanceOf(TypeError);
  });
});

describe('startFakeOllama recording and scripting', () => {
  it('records every request in order; generationRequests() keeps the chats', async () => {
    await ollama.list();
    await ollama.chat({ ...request, options: { temperature: 0 } });
    await ollama.version();
    expect(server.requests.map((recorded) => `${recorded.method} ${recorded.path}`)).toEqual([
      'GET /api/tags',
      'POST /api/chat',
      'GET /api/version',
    ]);
    expect(server.generationRequests()).toHaveLength(1);
    expect(server.generationRequests()[0]?.body.options).toEqual({ temperature: 0 });
    expect(server.requests[0]?.headers['user-agent']).toMatch(/^ollama-js\//);
  });

  it('uses the queue first in first out, then the responder, then replies {}', async () => {
    server.enqueue({ kind: 'reply', text: 'one' }, { kind: 'reply', text: 'two' });
    const texts: string[] = [];
    for (let call = 0; call < 3; call++) texts.push((await ollama.chat(request)).message.content);
    server.respond((body: { format?: unknown }) => ({
      text: body.format ? '{"ok":true}' : 'plain',
    }));
    texts.push((await ollama.chat({ ...request, format: 'json' })).message.content);
    expect(texts).toEqual(['one', 'two', '{}', '{"ok":true}']);
  });
});
