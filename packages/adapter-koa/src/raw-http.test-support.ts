import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** A request exactly as sent: any path, repeated headers, raw bytes, chunked or not. */
export interface RawRequest {
  method: string;
  /** Path and query, sent verbatim (only characters Node accepts in a request line). */
  path: string;
  /** Lower-case names; an array sends the header once per value. */
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Send the body with `Transfer-Encoding: chunked` instead of a `Content-Length`. */
  chunked?: boolean;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read the JSON they expect
  json: any;
  /** An event stream: its headers arrived and the client hung up (its body is never read). */
  streamed: boolean;
}

/**
 * Sends requests that `fetch` would refuse or normalise (repeated headers, bytes that are not
 * UTF-8, paths with `..`, bodies under any content type) over one keep-alive agent.
 */
export function rawClient(baseUrl: string, timeoutMs = 15_000, maxSockets = 8) {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets });
  return {
    send(request: RawRequest): Promise<RawResponse> {
      return new Promise((resolve, reject) => {
        const body =
          request.body === undefined
            ? undefined
            : typeof request.body === 'string'
              ? Buffer.from(request.body, 'utf8')
              : request.body;
        const headers: Record<string, string | string[]> = { ...request.headers };
        if (body && !request.chunked) headers['content-length'] ??= String(body.length);
        const outgoing = httpRequest(
          {
            host: url.hostname,
            port: url.port,
            method: request.method,
            path: request.path,
            headers,
            agent,
          },
          (response) => {
            const streamed = String(response.headers['content-type'] ?? '').startsWith(
              'text/event-stream',
            );
            if (streamed) {
              response.destroy();
              resolve({
                status: response.statusCode ?? 0,
                headers: response.headers,
                text: '',
                json: undefined,
                streamed,
              });
              return;
            }
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('error', reject);
            response.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              let json: unknown;
              try {
                json = JSON.parse(text);
              } catch {
                json = undefined;
              }
              resolve({
                status: response.statusCode ?? 0,
                headers: response.headers,
                text,
                json,
                streamed,
              });
            });
          },
        );
        outgoing.setTimeout(timeoutMs, () =>
          outgoing.destroy(new Error(`no response within ${timeoutMs} ms`)),
        );
        outgoing.on('error', reject);
        if (body && request.chunked) {
          const half = Math.floor(body.length / 2);
          outgoing.write(body.subarray(0, half));
          outgoing.end(body.subarray(half));
        } else {
          outgoing.end(body);
        }
      });
    },
    close: () => agent.destroy(),
  };
}

export type RawClient = ReturnType<typeof rawClient>;
