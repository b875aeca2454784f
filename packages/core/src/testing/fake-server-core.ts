import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One HTTP request a fake LLM server received. */
export interface RecordedRequest {
  method: string;
  /** The path with its query string, as sent. */
  path: string;
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The parsed JSON body, or `null` when there was none or it was not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the client sent
  body: any;
}

/** A successful reply; the server turns it into the provider's wire format. */
export interface FakeReply {
  text: string;
  /** The thinking text, sent before the answer. */
  thinking?: string;
  /** @default 10 */
  inputTokens?: number;
  /** @default one per four characters of `text`, at least 1 */
  outputTokens?: number;
  /** Anthropic only. @default 0 */
  cacheReadTokens?: number;
  /** Anthropic only. @default 0 */
  cacheWriteTokens?: number;
  /**
   * Why the model stopped: `max_tokens` (Ollama: `done_reason: length`) or, Anthropic only,
   * `refusal`. @default 'end_turn'
   */
  stopReason?: 'end_turn' | 'max_tokens' | 'refusal';
  /** A pause before each chunk of a streamed reply (a slow model that keeps streaming). */
  chunkDelayMs?: number;
}

/** What the server does with one generation request. */
export type FakeBehaviour =
  | ({ kind: 'reply' } & FakeReply)
  /** An HTTP error with the provider's JSON error body; `retryAfter` is sent verbatim. */
  | { kind: 'status'; status: number; retryAfter?: string; errorType?: string; message?: string }
  /** Never send headers, until the client gives up or the server closes. */
  | { kind: 'hang' }
  /** Send 200, the opening events and `partialText`, then nothing more. */
  | { kind: 'stall'; partialText?: string }
  /** Send the whole reply but its final event (`message_stop`, Ollama's `done` line), then end the body. */
  | ({ kind: 'unfinished' } & FakeReply)
  /** Send 200, some events, then the provider's in-stream error, then end the body. */
  | { kind: 'stream_error'; errorType?: string; message?: string; partialText?: string }
  /** Destroy the connection without any response. */
  | { kind: 'reset' }
  /** A successful reply whose text is not JSON. */
  | { kind: 'invalid_json' };

/** A fake LLM HTTP server on 127.0.0.1 that records every request. */
export interface FakeLlmServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:45678`. */
  readonly url: string;
  /** Every request, in order, probes included. */
  readonly requests: RecordedRequest[];
  /** Behaviours for the next valid generation requests, first in first out, one per request. */
  enqueue(...behaviours: FakeBehaviour[]): void;
  /** The answer when the queue is empty, from the parsed request body. Default: reply `'{}'`. */
  // biome-ignore lint/suspicious/noExplicitAny: the body is the client's JSON
  respond(responder: (body: any) => FakeReply | FakeBehaviour): void;
  /** Delays every generation request by this much before answering it (a slow model). */
  setLatency(ms: number): void;
  /** The generation requests only (the ones a test usually counts). */
  generationRequests(): RecordedRequest[];
  /** Stops listening and destroys every open socket, hung ones included. */
  close(): Promise<void>;
}

/** One received request, its parsed body, and the response to write. */
export interface FakeExchange {
  request: IncomingMessage;
  response: ServerResponse;
  recorded: RecordedRequest;
  /** Takes the behaviour for this request: the queue's head, else the responder's answer. */
  takeBehaviour(): FakeBehaviour;
}

/** What a provider-specific fake plugs into the shared server. */
export interface FakeServerSpec {
  port?: number;
  isGeneration(recorded: RecordedRequest): boolean;
  handle(exchange: FakeExchange): void;
}

/** The text of an `invalid_json` reply: what a chatty model says instead of the JSON. */
export const NOT_JSON_TEXT = 'Sure! Here is the JSON you asked for:';

/** Starts the shared plumbing: socket tracking, recording, the behaviour queue. */
export async function startFakeServer(spec: FakeServerSpec): Promise<FakeLlmServer> {
  const requests: RecordedRequest[] = [];
  const queue: FakeBehaviour[] = [];
  // biome-ignore lint/suspicious/noExplicitAny: the body is the client's JSON
  let responder: (body: any) => FakeReply | FakeBehaviour = () => ({ text: '{}' });
  let latencyMs = 0;
  const timers = new Set<NodeJS.Timeout>();
  // Tracked by hand so close() can end hung and stalled exchanges, which server.close() waits on.
  const sockets = new Set<Socket>();

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const recorded: RecordedRequest = {
        method: request.method ?? 'GET',
        path: request.url ?? '/',
        headers: flattenHeaders(request),
        body: parseJson(Buffer.concat(chunks).toString('utf8')),
      };
      requests.push(recorded);
      const takeBehaviour = (): FakeBehaviour => {
        const queued = queue.shift();
        if (queued) return queued;
        const answer = responder(recorded.body);
        return 'kind' in answer ? answer : { kind: 'reply', ...answer };
      };
      const answer = () => {
        try {
          spec.handle({ request, response, recorded, takeBehaviour });
        } catch (error) {
          // A throwing responder must fail the test visibly, not leave the client waiting.
          if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
          response.end(`fake server error: ${String(error)}`);
        }
      };
      if (latencyMs > 0 && spec.isGeneration(recorded)) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer();
        }, latencyMs);
        timers.add(timer);
      } else {
        answer();
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(spec.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...behaviours) => {
      queue.push(...behaviours);
    },
    respond: (next) => {
      responder = next;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    generationRequests: () => requests.filter((recorded) => spec.isGeneration(recorded)),
    close: () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

/** The behaviours left once the shared kinds (`hang`, `reset`) and errors are handled. */
export type GenerationBehaviour = Exclude<FakeBehaviour, { kind: 'status' | 'hang' | 'reset' }>;

/** Carries out a hang or a reset and returns true; false for every other kind. */
export function holdOrReset(
  behaviour: FakeBehaviour,
  exchange: FakeExchange,
): behaviour is Extract<FakeBehaviour, { kind: 'hang' | 'reset' }> {
  if (behaviour.kind === 'hang') return true; // the socket stays open until close() or the client
  if (behaviour.kind !== 'reset') return false;
  // A TCP RST, like a proxy dropping the connection, rather than a polite FIN.
  exchange.request.socket.resetAndDestroy();
  return true;
}

/** The reply a successful behaviour stands for, defaults filled in (no text for cut streams). */
export function replyOf(behaviour: GenerationBehaviour): Required<FakeReply> {
  const reply: FakeReply =
    behaviour.kind === 'reply' || behaviour.kind === 'unfinished'
      ? behaviour
      : { text: behaviour.kind === 'invalid_json' ? NOT_JSON_TEXT : '' };
  return {
    text: reply.text,
    thinking: reply.thinking ?? '',
    inputTokens: reply.inputTokens ?? 10,
    outputTokens: reply.outputTokens ?? Math.max(1, Math.ceil(reply.text.length / 4)),
    cacheReadTokens: reply.cacheReadTokens ?? 0,
    cacheWriteTokens: reply.cacheWriteTokens ?? 0,
    stopReason: reply.stopReason ?? 'end_turn',
    chunkDelayMs: reply.chunkDelayMs ?? 0,
  };
}

/** Splits text into a few chunks, whole code points, so clients must join deltas. */
export function chunkText(text: string, size = 12): string[] {
  const points = Array.from(text);
  const chunks: string[] = [];
  for (let start = 0; start < points.length; start += size) {
    chunks.push(points.slice(start, start + size).join(''));
  }
  return chunks.length > 0 ? chunks : [''];
}

/** Writes a complete JSON response. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** The path without its query string. */
export function pathOf(path: string): string {
  return path.split('?')[0] ?? path;
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
