import type { CallResult, TestApi } from './test-api.test-support';

/** A user of a test: their bearer token and id, and the email they registered with. */
export interface TestUser {
  token: string;
  id: string;
  email: string;
}

let made = 0;

/** Registers and logs in a user whose email the test knows (to share by it). */
export async function namedUser(api: TestApi, name: string): Promise<TestUser> {
  const email = `${name}-${++made}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  return { ...(await api.user(email)), email };
}

/** `POST /sessions/:id/members` as `token`. */
export function share(
  api: TestApi,
  token: string,
  sessionId: string,
  body: { email?: string; userId?: string; role: string },
): Promise<CallResult> {
  return api.call('POST', `/api/v1/sessions/${sessionId}/members`, { token, body });
}

/** An event of a session's stream: its data. */
export type StreamedEvent = { type: string; [key: string]: unknown };

/** A session's event stream as `token` reads it, opened and connected. */
export interface OpenStream {
  status: number;
  /** Reads until an event matches; the events read so far, that one last. */
  until(match: (event: StreamedEvent) => boolean): Promise<StreamedEvent[]>;
  /** Resolves with every event read once the server ends the stream. */
  ended(): Promise<StreamedEvent[]>;
  close(): void;
}

/** Opens `GET /sessions/:id/events` and waits for the opening comment. */
export async function openEvents(
  api: TestApi,
  token: string,
  sessionId: string,
): Promise<OpenStream> {
  const abort = new AbortController();
  const response = await fetch(`${api.url}/api/v1/sessions/${sessionId}/events`, {
    headers: { authorization: `Bearer ${token}` },
    signal: abort.signal,
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let done = false;
  let connected = false;
  const events: StreamedEvent[] = [];
  const readMore = async () => {
    const chunk = await reader.read();
    if (chunk.done) done = true;
    else buffer += chunk.value;
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const lines = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      if (lines[0] === ': connected') connected = true;
      const data = lines.find((line) => line.startsWith('data: '));
      if (data) events.push(JSON.parse(data.slice(6)) as StreamedEvent);
    }
  };
  while (response.ok && !connected && !done) await readMore();
  return {
    status: response.status,
    async until(match) {
      for (let seen = 0; ; ) {
        for (; seen < events.length; seen++) if (match(events[seen]!)) return events.slice();
        if (done) throw new Error('the event stream ended');
        await readMore();
      }
    },
    async ended() {
      while (!done) await readMore();
      return events.slice();
    },
    close: () => abort.abort(),
  };
}
