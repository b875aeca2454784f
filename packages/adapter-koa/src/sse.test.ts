import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RICH_ANSWER } from './session-driver.test-support';
import { startTestApi, type TestApi } from './test-api.test-support';

/** One frame of an event stream: a comment, or an event with its fields. */
interface Frame {
  comment?: string;
  event?: string;
  id?: string;
  data?: string;
}

/** An open event stream, read frame by frame with fetch and a reader. */
interface EventStream {
  response: Response;
  /** Reads frames until one matches, and returns every frame read (that one last). */
  until(match: (frame: Frame) => boolean): Promise<Frame[]>;
  /** Hangs up, as a browser tab closing would. */
  close(): void;
}

async function openStream(api: TestApi, token: string, sessionId: string): Promise<EventStream> {
  const abort = new AbortController();
  const response = await fetch(`${api.url}/api/v1/sessions/${sessionId}/events`, {
    headers: { authorization: `Bearer ${token}` },
    signal: abort.signal,
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const nextFrame = async (): Promise<Frame> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const raw = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        return parseFrame(raw);
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('the event stream ended');
      buffer += value;
    }
  };
  return {
    response,
    async until(match) {
      const frames: Frame[] = [];
      for (;;) {
        const frame = await nextFrame();
        frames.push(frame);
        if (match(frame)) return frames;
      }
    },
    close: () => abort.abort(),
  };
}

function parseFrame(raw: string): Frame {
  const frame: Frame = {};
  for (const line of raw.split('\n')) {
    if (line.startsWith(':')) {
      frame.comment = line.slice(1).trim();
      continue;
    }
    const colon = line.indexOf(':');
    const field = line.slice(0, colon) as 'event' | 'id' | 'data';
    const value = line.slice(colon + 1).replace(/^ /, '');
    frame[field] = field === 'data' && frame.data !== undefined ? `${frame.data}\n${value}` : value;
  }
  return frame;
}

/** Heartbeat intervals (made with `delayMs`) that are still running. */
function watchIntervals(delayMs: number): Set<unknown> {
  const running = new Set<unknown>();
  const realSetInterval = globalThis.setInterval;
  const realClearInterval = globalThis.clearInterval;
  vi.spyOn(globalThis, 'setInterval').mockImplementation(((
    callback: () => void,
    ms?: number,
    ...rest: unknown[]
  ) => {
    const handle = (realSetInterval as (...args: unknown[]) => NodeJS.Timeout)(
      callback,
      ms,
      ...rest,
    );
    if (ms === delayMs) running.add(handle);
    return handle;
  }) as typeof setInterval);
  vi.spyOn(globalThis, 'clearInterval').mockImplementation(((handle: NodeJS.Timeout) => {
    running.delete(handle);
    realClearInterval(handle);
  }) as typeof clearInterval);
  return running;
}

const IDEA = { idea: 'Predict churn of prepaid customers' };

describe('GET /api/v1/sessions/:id/events', () => {
  let api: TestApi;
  let alice: { token: string; id: string };
  let bob: { token: string; id: string };
  beforeAll(async () => {
    api = await startTestApi();
    [alice, bob] = await Promise.all([api.user(), api.user()]);
  });
  afterAll(() => api.close());
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const startSession = async () => {
    const created = await api.call('POST', '/api/v1/sessions', { token: alice.token, body: IDEA });
    expect(created.status).toBe(201);
    return created.json;
  };

  it('streams the events of an answer turn as SSE frames, with pings in between', async () => {
    const session = await startSession();
    const stream = await openStream(api, alice.token, session.id);
    try {
      expect(stream.response.status).toBe(200);
      expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream\b/);
      expect(stream.response.headers.get('cache-control')).toContain('no-cache');
      expect(stream.response.headers.get('x-request-id')).toBeTruthy();
      await stream.until((frame) => frame.comment === 'connected');

      const answered = await api.call('POST', `/api/v1/sessions/${session.id}/answers`, {
        token: alice.token,
        body: { questionId: session.pendingQuestion.id, answer: RICH_ANSWER },
      });
      expect(answered.status).toBe(200);
      const frames = await stream.until((frame) => frame.event === 'question.asked');
      const events = frames.filter((frame) => frame.event !== undefined);
      const types = events.map((frame) => frame.event);
      expect(types).toContain('turn.started');
      expect(types.indexOf('turn.started')).toBeLessThan(types.indexOf('answer.scored'));
      expect(types.indexOf('answer.scored')).toBeLessThan(types.indexOf('question.asked'));
      for (const frame of events) {
        const data = JSON.parse(frame.data!);
        expect(data).toMatchObject({
          type: frame.event,
          version: Number(frame.id),
          sessionId: session.id,
          at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
        });
        expect(frame.id).toMatch(/^\d+$/);
      }
      const asked = JSON.parse(events.at(-1)!.data!);
      expect(asked.questionId).toBe(answered.json.session.pendingQuestion.id);
      expect(asked.version).toBe(answered.json.session.version);

      // The helper's heartbeat is 50 ms: a ping comes without any activity.
      await stream.until((frame) => frame.comment === 'ping');
    } finally {
      stream.close();
    }
  });

  it("answers another user's session, an unknown one and a malformed id with a 404 before any stream", async () => {
    const session = await startSession();
    const heartbeats = watchIntervals(50);
    for (const [token, id] of [
      [bob.token, session.id],
      [alice.token, '00000000-0000-4000-8000-000000000000'],
      [alice.token, 'not-a-uuid'],
    ]) {
      const response = await api.call('GET', `/api/v1/sessions/${id}/events`, { token });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.json).toEqual({
        error: {
          code: 'not_found',
          message: expect.any(String),
          requestId: response.headers.get('x-request-id'),
        },
      });
    }
    const anonymous = await api.call('GET', `/api/v1/sessions/${session.id}/events`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/json/);
    expect(api.subscriptions(session.id)).toBe(0);
    expect(heartbeats.size).toBe(0);
  });

  it('unsubscribes and stops the heartbeat when the client hangs up', async () => {
    const session = await startSession();
    const heartbeats = watchIntervals(50);
    const streams = [
      await openStream(api, alice.token, session.id),
      await openStream(api, alice.token, session.id),
    ];
    await Promise.all(streams.map((stream) => stream.until((frame) => frame.comment === 'ping')));
    expect(api.subscriptions(session.id)).toBe(2);
    expect(heartbeats.size).toBe(2);

    streams[0]!.close();
    await vi.waitFor(() => expect(api.subscriptions(session.id)).toBe(1), { interval: 5 });
    expect(heartbeats.size).toBe(1);
    // The other client is still served.
    await streams[1]!.until((frame) => frame.comment === 'ping');

    streams[1]!.close();
    await vi.waitFor(() => expect(api.subscriptions(session.id)).toBe(0), { interval: 5 });
    expect(heartbeats.size).toBe(0);
  });
});

describe('a client hanging up', () => {
  it('is not logged as a server error', async () => {
    const warnings: string[] = [];
    const logger = {
      info() {},
      warn: (_fields: object, message: string) => warnings.push(message),
      error: (_fields: object, message: string) => warnings.push(message),
    };
    const api = await startTestApi({ heartbeatMs: 20, logger });
    try {
      const alice = await api.user();
      const created = await api.call('POST', '/api/v1/sessions', {
        token: alice.token,
        body: IDEA,
      });
      for (let index = 0; index < 3; index++) {
        const stream = await openStream(api, alice.token, created.json.id);
        await stream.until((frame) => frame.comment === 'ping');
        stream.close();
        await vi.waitFor(() => expect(api.subscriptions(created.json.id)).toBe(0), {
          interval: 5,
        });
      }
      // Pings keep being written for a moment after each hang-up; give them time to fail.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(warnings).toEqual([]);
    } finally {
      await api.close();
    }
  });
});

describe('event streams and the server lifecycle', () => {
  const HEARTBEAT_MS = 37;
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('ends every stream, subscription and heartbeat timer when the server closes', async () => {
    const heartbeats = watchIntervals(HEARTBEAT_MS);
    const api = await startTestApi({ heartbeatMs: HEARTBEAT_MS });
    let closed = false;
    try {
      const alice = await api.user();
      const created = await api.call('POST', '/api/v1/sessions', {
        token: alice.token,
        body: IDEA,
      });
      const stream = await openStream(api, alice.token, created.json.id);
      await stream.until((frame) => frame.comment === 'ping');
      expect(heartbeats.size).toBe(1);
      expect(api.subscriptions()).toBe(1);

      await api.close();
      closed = true;
      // The sockets' 'close' events follow the server's close on the next turns of the loop.
      await vi.waitFor(
        () => {
          expect(heartbeats.size).toBe(0);
          expect(api.subscriptions()).toBe(0);
        },
        { interval: 5 },
      );
      await expect(stream.until(() => false)).rejects.toThrow();
    } finally {
      if (!closed) await api.close();
    }
  });

  it('leaves nothing behind for a client that hung up while the session was loading', async () => {
    const heartbeats = watchIntervals(HEARTBEAT_MS);
    const lines: Array<{ path?: string; status?: number }> = [];
    const logger = {
      info: (fields: object) => lines.push(fields),
      warn() {},
      error() {},
    };
    const api = await startTestApi({ heartbeatMs: HEARTBEAT_MS, logger });
    try {
      const alice = await api.user();
      const created = await api.call('POST', '/api/v1/sessions', {
        token: alice.token,
        body: IDEA,
      });
      const eventsPath = `/api/v1/sessions/${created.json.id}/events`;

      // Hold the session load of the subscription until the client has gone.
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let loading!: () => void;
      const loadStarted = new Promise<void>((resolve) => {
        loading = resolve;
      });
      const getSession = api.storage.getSession.bind(api.storage);
      vi.spyOn(api.storage, 'getSession').mockImplementationOnce(async (...args) => {
        loading();
        await held;
        return getSession(...args);
      });
      const serverSocket = new Promise<Socket>((resolve) =>
        api.server.once('request', (request) => resolve(request.socket)),
      );
      const abort = new AbortController();
      const fetching = fetch(`${api.url}${eventsPath}`, {
        headers: { authorization: `Bearer ${alice.token}` },
        signal: abort.signal,
      }).catch((error: unknown) => error);
      await loadStarted;
      const socket = await serverSocket;
      const socketClosed = new Promise((resolve) => socket.once('close', resolve));
      abort.abort();
      await fetching;
      await socketClosed;

      release();
      // The request line is logged once the route has returned.
      await vi.waitFor(() => expect(lines.some((line) => line.path === eventsPath)).toBe(true), {
        interval: 5,
      });
      expect(api.subscriptions()).toBe(0);
      expect(heartbeats.size).toBe(0);
    } finally {
      await api.close();
    }
  });
});
