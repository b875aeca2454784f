import type { ServerResponse } from 'node:http';
import type {
  Message,
  RawContentBlockDelta,
  RawMessageStreamEvent,
  TextBlock,
  ThinkingBlock,
  Usage,
} from '@anthropic-ai/sdk/resources/messages';
import type { ModelInfo } from '@anthropic-ai/sdk/resources/models';
import { structuredOutputProblems } from '../llm/output-schema';
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

/** Options of {@link startFakeAnthropic}. */
export interface FakeAnthropicOptions {
  /** @default 0 (the OS picks a free port) */
  port?: number;
  /** Model ids that exist; any other answers 404. @default the three 5.5 models */
  models?: string[];
}

const DEFAULT_MODELS = ['claude-haiku-5-5', 'claude-sonnet-5-5', 'claude-opus-5-5'];
const DEFAULT_PARTIAL_TEXT = '{"answer": "';
const DEFAULT_THINKING = 'The user wants an answer; I will reply briefly.';
// base64 of 'fake-signature': opaque to clients, like the real one.
const SIGNATURE = 'ZmFrZS1zaWduYXR1cmU=';
const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};
const ERROR_STATUSES: Record<string, number> = { overloaded_error: 529, api_error: 500 };

/**
 * Starts a fake Anthropic Messages API on 127.0.0.1 that the real `@anthropic-ai/sdk` client
 * parses: SSE streams and JSON messages that open with a thinking block, the API's error
 * bodies, `GET /v1/models`, and the 400s the API gives: to an output schema outside the
 * structured-output subset (`structuredOutputProblems`, in the API's words), an unknown effort,
 * and, on the 5.x models, to sampling parameters, prefills, thinking budgets and (Sonnet and
 * Opus) forced tool use. Unknown and retired model ids answer 404.
 *
 * @example
 * ```ts
 * const server = await startFakeAnthropic();
 * server.enqueue(
 *   { kind: 'status', status: 429, retryAfter: '2' },
 *   { kind: 'reply', text: '{"ok":true}' },
 * );
 * const client = new Anthropic({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
 * // ... the first call fails with a RateLimitError, the second gets the reply ...
 * expect(server.generationRequests()[0]?.body.model).toBe('claude-haiku-5-5');
 * await server.close();
 * ```
 */
export function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeLlmServer> {
  const models = options.models ?? DEFAULT_MODELS;
  const counters = new Map<string, number>();
  const nextId = (prefix: 'msg' | 'req') => {
    const count = (counters.get(prefix) ?? 0) + 1;
    counters.set(prefix, count);
    return `${prefix}_fake${String(count).padStart(6, '0')}`;
  };

  const sendError = (response: ServerResponse, status: number, type?: string, text?: string) => {
    const errorType =
      type ?? ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
    const requestId = nextId('req');
    const body = {
      type: 'error',
      error: { type: errorType, message: text ?? defaultMessage(errorType) },
      request_id: requestId,
    };
    sendJson(response, status, body, { 'request-id': requestId });
  };

  return startFakeServer({
    port: options.port,
    isGeneration: ({ method, path }) => method === 'POST' && pathOf(path) === '/v1/messages',
    handle(exchange) {
      const { recorded, response } = exchange;
      const path = pathOf(recorded.path);
      if (!hasCredentials(recorded.headers)) {
        return sendError(response, 401, undefined, 'x-api-key header is required');
      }
      if (recorded.method === 'GET' && path === '/v1/models') {
        const data = models.map(modelInfo);
        return sendJson(
          response,
          200,
          {
            data,
            has_more: false,
            first_id: data[0]?.id ?? null,
            last_id: data.at(-1)?.id ?? null,
          },
          { 'request-id': nextId('req') },
        );
      }
      if (recorded.method !== 'POST' || path !== '/v1/messages') {
        return sendError(response, 404, undefined, `${recorded.method} ${path} not found`);
      }
      const invalid =
        validate(recorded.headers, recorded.body, models) ?? validateOutput(recorded.body);
      if (invalid) return sendError(response, invalid.status, undefined, invalid.message);

      const behaviour = exchange.takeBehaviour();
      if (holdOrReset(behaviour, exchange)) return;
      if (behaviour.kind === 'status') {
        if (behaviour.retryAfter !== undefined) {
          response.setHeader('retry-after', behaviour.retryAfter);
        }
        return sendError(response, behaviour.status, behaviour.errorType, behaviour.message);
      }
      const message = messageOf(behaviour, recorded.body.model, nextId('msg'));
      const requestId = nextId('req');
      if (recorded.body.stream === true) {
        stream(exchange, behaviour, message, requestId).catch(() => exchange.response.destroy());
        return;
      }
      if (behaviour.kind === 'stream_error') {
        // Without streaming the same failure arrives as an HTTP error.
        const type = behaviour.errorType ?? 'overloaded_error';
        return sendError(response, ERROR_STATUSES[type] ?? 500, type, behaviour.message);
      }
      if (behaviour.kind === 'stall') {
        response.writeHead(200, { 'content-type': 'application/json', 'request-id': requestId });
        response.flushHeaders();
        return;
      }
      sendJson(response, 200, message, { 'request-id': requestId });
    },
  });
}

/**
 * Writes the SSE stream of `message`, cut short for `stall` and `stream_error`, without its
 * `message_stop` for `unfinished`, and with a pause before each text chunk when asked.
 */
async function stream(
  { response }: FakeExchange,
  behaviour: GenerationBehaviour,
  message: Message,
  requestId: string,
): Promise<void> {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'request-id': requestId,
  });
  const send = (event: RawMessageStreamEvent | { type: 'ping' }) => {
    response.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  };
  const delta = (index: number, delta: RawContentBlockDelta) =>
    send({ type: 'content_block_delta', index, delta });
  const [thinking, text] = message.content as [ThinkingBlock, TextBlock];
  const { usage } = message;
  send({
    type: 'message_start',
    message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } },
  });
  send({ type: 'ping' });
  const opening = { type: 'thinking', thinking: '', signature: '' } as const;
  send({ type: 'content_block_start', index: 0, content_block: opening });
  delta(0, { type: 'thinking_delta', thinking: thinking.thinking });
  delta(0, { type: 'signature_delta', signature: thinking.signature });
  send({ type: 'content_block_stop', index: 0 });
  const empty = { type: 'text', text: '', citations: null } as const;
  send({ type: 'content_block_start', index: 1, content_block: empty });
  if (behaviour.kind === 'stall' || behaviour.kind === 'stream_error') {
    const partial = behaviour.partialText ?? DEFAULT_PARTIAL_TEXT;
    if (partial !== '') delta(1, { type: 'text_delta', text: partial });
    if (behaviour.kind === 'stall') return; // hold the socket open: no more events, no end
    const type = behaviour.errorType ?? 'overloaded_error';
    const error = { type, message: behaviour.message ?? defaultMessage(type) };
    response.end(`event: error\ndata: ${JSON.stringify({ type: 'error', error })}\n\n`);
    return;
  }
  const { chunkDelayMs } = replyOf(behaviour);
  for (const chunk of chunkText(text.text)) {
    if (chunkDelayMs > 0) await sleep(chunkDelayMs);
    if (response.destroyed) return;
    delta(1, { type: 'text_delta', text: chunk });
  }
  send({ type: 'content_block_stop', index: 1 });
  send({
    type: 'message_delta',
    delta: {
      stop_reason: message.stop_reason,
      stop_sequence: null,
      stop_details: null,
      container: null,
    },
    // Like the API, the input counters here repeat message_start's totals (not increments).
    usage: {
      input_tokens: usage.input_tokens,
      cache_creation_input_tokens: usage.cache_creation_input_tokens,
      cache_read_input_tokens: usage.cache_read_input_tokens,
      output_tokens: usage.output_tokens,
      output_tokens_details: null,
      server_tool_use: null,
    },
  });
  if (behaviour.kind !== 'unfinished') send({ type: 'message_stop' });
  response.end();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The complete message a successful behaviour stands for. */
function messageOf(behaviour: GenerationBehaviour, model: string, id: string): Message {
  const reply = replyOf(behaviour);
  const usage: Usage = {
    input_tokens: reply.inputTokens,
    output_tokens: reply.outputTokens,
    cache_creation_input_tokens: reply.cacheWriteTokens,
    cache_read_input_tokens: reply.cacheReadTokens,
    cache_creation: {
      ephemeral_5m_input_tokens: reply.cacheWriteTokens,
      ephemeral_1h_input_tokens: 0,
    },
    inference_geo: null,
    output_tokens_details: null,
    server_tool_use: null,
    service_tier: 'standard',
    speed: null,
  };
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: [
      { type: 'thinking', thinking: reply.thinking || DEFAULT_THINKING, signature: SIGNATURE },
      { type: 'text', text: reply.text, citations: null },
    ],
    stop_reason: reply.stopReason,
    stop_sequence: null,
    stop_details: null,
    container: null,
    diagnostics: null,
    usage,
  };
}

/** The first rule the request breaks, checked in the API's order, or undefined. */
function validate(
  headers: Record<string, string>,
  // biome-ignore lint/suspicious/noExplicitAny: the client's JSON
  body: any,
  models: string[],
): { status: number; message: string } | undefined {
  const bad = (message: string) => ({ status: 400, message });
  if (!headers['anthropic-version']) return bad('anthropic-version: header is required');
  if (body === null || typeof body !== 'object') return bad('The request body is not valid JSON.');
  if (typeof body.model !== 'string') return bad('model: Field required');
  if (typeof body.max_tokens !== 'number') return bad('max_tokens: Field required');
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return bad('messages: at least one message is required');
  }
  if (!models.includes(body.model)) {
    return { status: 404, message: `model: ${body.model}` };
  }
  if (!/^claude-(haiku|sonnet|opus)-5/.test(body.model)) return undefined;
  for (const name of ['temperature', 'top_p', 'top_k']) {
    if (body[name] !== undefined) {
      return bad(`${name}: This model does not support the \`${name}\` parameter.`);
    }
  }
  if (body.thinking?.budget_tokens !== undefined) {
    return bad('thinking.budget_tokens: This model uses adaptive thinking; use `effort` instead.');
  }
  if (body.messages.at(-1)?.role === 'assistant') {
    return bad('This model does not support assistant message prefill.');
  }
  const forced = body.tool_choice?.type === 'tool' || body.tool_choice?.type === 'any';
  if (forced && !body.model.startsWith('claude-haiku')) {
    return bad('tool_choice: Forced tool use is not supported with this model.');
  }
  return undefined;
}

const EFFORTS = ['low', 'medium', 'high', 'xhigh', 'max'];

/**
 * What the API refuses in `output_config`: an unknown effort, a format that is not
 * `json_schema`, and a schema outside the structured-output subset (with the API's words).
 */
// biome-ignore lint/suspicious/noExplicitAny: the client's JSON
function validateOutput(body: any): { status: number; message: string } | undefined {
  const config = body.output_config;
  if (config === undefined || config === null) return undefined;
  const bad = (message: string) => ({ status: 400, message });
  if (typeof config !== 'object') return bad('output_config: Input should be an object');
  if (config.effort != null && !EFFORTS.includes(config.effort)) {
    return bad(`output_config.effort: Input should be ${EFFORTS.map((e) => `'${e}'`).join(', ')}`);
  }
  const format = config.format;
  if (format === undefined || format === null) return undefined;
  if (format.type !== 'json_schema') {
    return bad("output_config.format.type: Input should be 'json_schema'");
  }
  if (typeof format.schema !== 'object' || format.schema === null) {
    return bad('output_config.format.schema: Field required');
  }
  const [problem] = structuredOutputProblems(format.schema);
  return problem === undefined ? undefined : bad(`output_config.format.schema: ${problem}`);
}

function modelInfo(id: string): ModelInfo {
  const line = /^claude-(haiku|sonnet|opus)-/.exec(id)?.[1] as ModelInfo['line'] | undefined;
  return {
    type: 'model',
    id,
    // claude-sonnet-5-5 → Claude Sonnet 5.5
    display_name: id
      .replace(/-(\d+)-(\d+)$/, ' $1.$2')
      .split('-')
      .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
      .join(' '),
    created_at: '2026-09-01T00:00:00Z',
    capabilities: null,
    deprecated_at: null,
    lifecycle: 'active',
    line: line ?? null,
    max_input_tokens: 200_000,
    max_tokens: 64_000,
    retires_at: null,
  };
}

// The API takes a key in `x-api-key` or as a bearer token; SDK 1.x sends `Authorization: Bearer`.
function hasCredentials(headers: Record<string, string>): boolean {
  return Boolean(headers['x-api-key']) || /^Bearer \S/.test(headers.authorization ?? '');
}

function defaultMessage(errorType: string): string {
  if (errorType === 'overloaded_error') return 'Overloaded';
  if (errorType === 'rate_limit_error')
    return 'Number of request tokens has exceeded your rate limit';
  return errorType.replace(/_/g, ' ');
}
