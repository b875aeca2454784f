import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServerOptions } from './http-server';
import { type RawSocket, rawSocket, statusOf } from './raw-socket.test-support';
import { startTestApi, type TestApi } from './test-api.test-support';

// The connection limits, over raw sockets against servers with short timeouts. Nothing here
// measures time: each test waits for an event (a close, a ping) and checks what is open.

let api: TestApi;
const servers: Server[] = [];
const sockets: RawSocket[] = [];

beforeAll(async () => {
  api = await startTestApi();
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

afterAll(async () => {
  await api?.close();
});

/** The test API's Koa app behind {@link createHttpServer} with these options, listening. */
async function serve(options: HttpServerOptions): Promise<{ url: string; server: Server }> {
  const server = createHttpServer(api.app.app, options);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function connect(url: string): Promise<RawSocket> {
  const socket = await rawSocket(url);
  sockets.push(socket);
  return socket;
}

const complete = (received: string) => /\r\n\r\n[\s\S]*\}$/.test(received);

describe('createHttpServer', () => {
  it('closes a connection whose headers stop half-way, and one that sends nothing, after the header timeout', async () => {
    const { url } = await serve({ headersTimeoutMs: 200, requestTimeoutMs: 400 });
    const halfway = await connect(url);
    halfway.write('GET /health HTTP/1.1\r\nHost: test\r\nAccept: applic');
    const silent = await connect(url);

    await Promise.all([halfway.closed, silent.closed]);
    expect(halfway.isOpen()).toBe(false);
    expect(silent.isOpen()).toBe(false);
  });

  it('closes a connection whose body stops half-way after the request timeout', async () => {
    const { url } = await serve({ headersTimeoutMs: 200, requestTimeoutMs: 400 });
    const slow = await connect(url);
    slow.write(
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n{"email":',
    );
    await slow.closed;
    expect(slow.isOpen()).toBe(false);
  });

  it('tells keep-alive clients how long an idle connection stays open', async () => {
    const { url } = await serve({ keepAliveTimeoutMs: 2_000 });
    const socket = await connect(url);
    socket.write('GET /health HTTP/1.1\r\nHost: test\r\n\r\n');
    const received = await socket.until(complete);
    expect(statusOf(received)).toBe(200);
    expect(received).toMatch(/\r\nkeep-alive: timeout=2\r\n/i);
  });

  it('refuses a connection past the cap, and serves the ones under it', async () => {
    const { url, server } = await serve({ maxConnections: 2 });
    let connections = 0;
    const accepted = new Promise<void>((resolve) =>
      server.on('connection', () => {
        if (++connections === 2) resolve();
      }),
    );
    const first = await connect(url);
    await connect(url);
    await accepted;

    const extra = await connect(url);
    extra.write('GET /health HTTP/1.1\r\nHost: test\r\n\r\n');
    await extra.closed;
    expect(extra.received()).toBe('');

    first.write('GET /health HTTP/1.1\r\nHost: test\r\n\r\n');
    expect(statusOf(await first.until(complete))).toBe(200);
  });

  it('keeps an event stream open past the request timeout', async () => {
    const { token } = await api.user();
    const created = await api.call('POST', '/api/v1/sessions', {
      token,
      body: { idea: 'Predict churn of prepaid customers' },
    });
    const { url } = await serve({ headersTimeoutMs: 100, requestTimeoutMs: 200 });
    const stream = await connect(url);
    stream.write(
      `GET /api/v1/sessions/${created.json.id}/events HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer ${token}\r\n\r\n`,
    );
    await stream.until((received) => received.includes(': connected'));
    // A request opened after the stream and left unfinished: once the server has closed it,
    // the request timeout has passed for the stream too.
    const slow = await connect(url);
    slow.write(
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n{"email":',
    );
    await slow.closed;

    const pings = stream.received().split(': ping').length;
    await stream.until((received) => received.split(': ping').length > pings);
    expect(stream.isOpen()).toBe(true);
    expect(statusOf(stream.received())).toBe(200);
  });
});
