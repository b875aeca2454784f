import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import {
  chunkText,
  type FakeExchange,
  type FakeLlmServer,
  type GenerationBehaviour,
  holdOrReset,
  pathOf,
  replyOf,
  sendJson,
  startFakeServer,
} from './fake-server-core';

/** Options of {@link startFakeOllama}. */
export interface FakeOllamaOptions {
  /** @default 0 (the OS picks a free port) */
  port?: number;
  /** Models that are pulled; any other answers 404. A name without a tag means `:latest`. */
  models?: string[];
}

const DEFAULT_MODELS = ['llama3.2', 'llama3.2:latest'];
const DEFAULT_PARTIAL_TEXT = '{"answer": "';
const STREAM_ERROR = 'an error was encountered while running the model: unexpected EOF';
// Fixed times keep recorded replies identical from run to run.
const CREATED_AT = '2026-11-01T00:00:00.000Z';
const DURATIONS = { total_duration: 1_200_000_000, load_duration: 50_000_000 };

/**
 * Starts a fake Ollama server on 127.0.0.1 that the real `ollama` client parses:
 * `POST /api/chat` as NDJSON (or one JSON object with `stream: false`), `GET /api/tags`,
 * `GET /api/version`, Ollama's `{"error": "..."}` bodies, errors inside a 200 stream, and the
 * 500 Ollama gives to a `format` its grammar converter cannot read.
 *
 * @example
 * ```ts
 * const server = await startFakeOllama();
 * server.respond((body) => ({ text: body.format ? '{"ok":true}' : 'ok' }));
 * const ollama = new Ollama({ host: server.url });
 * const messages = [{ role: 'user', content: 'hi' }];
 * const reply = await ollama.chat({ model: 'llama3.2', messages });
 * expect(reply.message.content).toBe('ok');
 * await server.close();
 * ```
 */
export function startFakeOllama(options: FakeOllamaOptions = {}): Promise<FakeLlmServer> {
  const models = [...new Set((options.models ?? DEFAULT_MODELS).map(withTag))];

  return startFakeServer({
    port: options.port,
    isGeneration: ({ method, path }) => method === 'POST' && pathOf(path) === '/api/chat',
    handle(exchange) {
      const { recorded, response } = exchange;
      const route = `${recorded.method} ${pathOf(recorded.path)}`;
      if (route === 'GET /' || route === 'HEAD /') {
        response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        return response.end('Ollama is running');
      }
      if (route === 'GET /api/version') return sendJson(response, 200, { version: '0.12.0' });
      if (route === 'GET /api/tags') return sendJson(response, 200, { models: models.map(tag) });
      if (route !== 'POST /api/chat') {
        response.writeHead(404, { 'content-type': 'text/plain' });
        return response.end('404 page not found');
      }
      const body = recorded.body;
      if (body === null || typeof body !== 'object') {
        return sendJson(response, 400, { error: 'invalid request body' });
      }
      if (typeof body.model !== 'string' || body.model === '') {
        return sendJson(response, 400, { error: 'model is required' });
      }
      if (!models.includes(withTag(body.model))) {
        const error = `model "${body.model}" not found, try pulling it first`;
        return sendJson(response, 404, { error });
      }

      const formatError = formatProblem(body.format);
      // Ollama reports a format it cannot compile when the generation starts: a 500.
      if (formatError) return sendJson(response, 500, { error: formatError });

      const behaviour = exchange.takeBehaviour();
      if (holdOrReset(behaviour, exchange)) return;
      if (behaviour.kind === 'status') {
        const headers: Record<string, string> = {};
        if (behaviour.retryAfter !== undefined) headers['retry-after'] = behaviour.retryAfter;
        const error = behaviour.message ?? STATUS_CODES[behaviour.status]?.toLowerCase() ?? 'error';
        return sendJson(response, behaviour.status, { error }, headers);
      }
      if (body.stream !== false) {
        stream(exchange, behaviour).catch(() => response.destroy());
        return;
      }
      if (behaviour.kind === 'stream_error') {
        // Without streaming, Ollama reports a failed generation as a 500.
        return sendJson(response, 500, { error: behaviour.message ?? STREAM_ERROR });
      }
      if (behaviour.kind === 'stall') {
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        response.flushHeaders();
        return;
      }
      const reply = replyOf(behaviour);
      const message: Record<string, string> = { role: 'assistant', content: reply.text };
      if (reply.thinking && body.think !== false) message.thinking = reply.thinking;
      sendJson(response, 200, finalChunk(body.model, message, reply));
    },
  });
}

/**
 * Writes the NDJSON stream, cut short for `stall` and `stream_error`, without its `done` line
 * for `unfinished`, and with a pause before each chunk of text when asked.
 */
async function stream(
  { recorded, response }: FakeExchange,
  behaviour: GenerationBehaviour,
): Promise<void> {
  const model: string = recorded.body.model;
  response.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const send = (line: unknown) => response.write(`${JSON.stringify(line)}\n`);
  const chunk = (message: Record<string, string>) =>
    send({ model, created_at: CREATED_AT, message, done: false });

  if (behaviour.kind === 'stall' || behaviour.kind === 'stream_error') {
    const partial = behaviour.partialText ?? DEFAULT_PARTIAL_TEXT;
    if (partial !== '') chunk({ role: 'assistant', content: partial });
    if (behaviour.kind === 'stall') return; // hold the socket open: no more lines, no end
    send({ error: behaviour.message ?? STREAM_ERROR });
    response.end();
    return;
  }
  const reply = replyOf(behaviour);
  // Thinking models stream their thinking first, in its own field, unless `think: false`.
  if (reply.thinking && recorded.body.think !== false) {
    for (const piece of chunkText(reply.thinking)) {
      chunk({ role: 'assistant', content: '', thinking: piece });
    }
  }
  for (const piece of chunkText(reply.text)) {
    if (reply.chunkDelayMs > 0) await new Promise((done) => setTimeout(done, reply.chunkDelayMs));
    if (response.destroyed) return;
    chunk({ role: 'assistant', content: piece });
  }
  if (behaviour.kind !== 'unfinished') {
    send(finalChunk(model, { role: 'assistant', content: '' }, reply));
  }
  response.end();
}

const PRIMITIVE_TYPES = new Set([
  'string',
  'number',
  'integer',
  'boolean',
  'object',
  'array',
  'null',
]);
const SCHEMA_KEYS = ['$ref', 'oneOf', 'anyOf', 'allOf', 'const', 'enum', 'type', 'properties'];

/**
 * Ollama's answer to a `format` it cannot use, or undefined: it takes `"json"` or a JSON
 * Schema object, and compiles the schema into a grammar (llama.cpp's converter), which fails
 * on a node it does not recognise (no type, no composition), an unknown type, a non-local
 * `$ref`, or a `pattern` not anchored with `^…$`.
 */
function formatProblem(format: unknown): string | undefined {
  if (format === undefined || format === null || format === '' || format === 'json')
    return undefined;
  if (typeof format !== 'object' || Array.isArray(format)) {
    return `invalid format: ${JSON.stringify(JSON.stringify(format))}; expected "json" or a valid JSON Schema object`;
  }
  const invalid = 'invalid JSON schema in format';
  const visit = (node: unknown): boolean => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return false;
    const schema = node as Record<string, unknown>;
    const keys = Object.keys(schema);
    if (keys.length > 0 && !SCHEMA_KEYS.some((key) => key in schema)) return false;
    const types = schema.type === undefined ? [] : [schema.type].flat();
    if (!types.every((type) => PRIMITIVE_TYPES.has(type as string))) return false;
    if (typeof schema.$ref === 'string' && !schema.$ref.startsWith('#')) return false;
    if (typeof schema.pattern === 'string' && !/^\^.*\$$/s.test(schema.pattern)) return false;
    const children = [
      ...Object.values((schema.properties ?? {}) as object),
      ...Object.values((schema.$defs ?? {}) as object),
      ...[schema.anyOf, schema.oneOf, schema.allOf].flatMap((list) =>
        Array.isArray(list) ? list : [],
      ),
      ...(typeof schema.items === 'object' ? [schema.items] : []),
    ];
    return children.every(visit);
  };
  return visit(format) ? undefined : invalid;
}

function finalChunk(
  model: string,
  message: Record<string, string>,
  reply: ReturnType<typeof replyOf>,
): Record<string, unknown> {
  return {
    model,
    created_at: CREATED_AT,
    message,
    done: true,
    done_reason: reply.stopReason === 'max_tokens' ? 'length' : 'stop',
    ...DURATIONS,
    prompt_eval_count: reply.inputTokens,
    prompt_eval_duration: 20_000_000 * reply.inputTokens,
    eval_count: reply.outputTokens,
    eval_duration: 25_000_000 * reply.outputTokens,
  };
}

function tag(name: string) {
  return {
    name,
    model: name,
    modified_at: CREATED_AT,
    size: 2_019_393_189,
    digest: createHash('sha256').update(name).digest('hex'),
    details: {
      parent_model: '',
      format: 'gguf',
      family: 'llama',
      families: ['llama'],
      parameter_size: '3.2B',
      quantization_level: 'Q4_K_M',
    },
  };
}

function withTag(name: string): string {
  return name.includes(':') ? name : `${name}:latest`;
}
