/** One Server-Sent Events message. */
export interface SseMessage {
  /** The `event:` field; `message` when the server sent none. */
  event: string;
  /** The `data:` lines joined with newlines. */
  data: string;
  /** The last `id:` seen on the stream. */
  id: string;
}

/**
 * A push parser of the `text/event-stream` format (WHATWG HTML § 9.2): feed it decoded text in
 * chunks of any size; it calls `onMessage` for each complete message. Comments (`: ping`) and
 * `retry:` are ignored: this client does not reconnect by itself.
 *
 * Hand-written rather than `eventsource-parser` because it is 40 lines and the size budget of
 * the component is small.
 */
export function createSseParser(onMessage: (message: SseMessage) => void) {
  let buffer = '';
  let data: string[] = [];
  let event = '';
  let id = '';

  const line = (text: string) => {
    if (text === '') {
      if (data.length > 0) onMessage({ event: event || 'message', data: data.join('\n'), id });
      data = [];
      event = '';
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
  };

  return {
    /** Parses a chunk; an incomplete last line waits for the next chunk. */
    feed(chunk: string) {
      buffer += chunk;
      const lineEnd = /\r\n|\r|\n/g;
      let start = 0;
      for (let match = lineEnd.exec(buffer); match; match = lineEnd.exec(buffer)) {
        // A lone CR at the end may be the first half of a CRLF split across chunks.
        if (match[0] === '\r' && lineEnd.lastIndex === buffer.length) break;
        line(buffer.slice(start, match.index));
        start = lineEnd.lastIndex;
      }
      buffer = buffer.slice(start);
    },
  };
}

/**
 * Reads an event-stream response body to its end, handing each message to `onMessage`.
 * Resolves when the stream ends or `signal` aborts (an abort is the normal way to stop).
 */
export async function readEventStream(
  response: Response,
  onMessage: (message: SseMessage) => void,
  signal?: AbortSignal,
): Promise<void> {
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = createSseParser(onMessage);
  const stop = () => {
    reader.cancel().catch(() => {});
  };
  signal?.addEventListener('abort', stop, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || signal?.aborted) return;
      parser.feed(value);
    }
  } catch (error) {
    if (signal?.aborted) return;
    throw error;
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}
