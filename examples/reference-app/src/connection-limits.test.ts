import { connect, type Socket } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { type AppProcess, startApp, tempDataDir } from './app-process.test-support';

// The server's connection limits come from the environment (HEADERS_TIMEOUT_MS, MAX_CONNECTIONS…).
// Node's defaults would keep a half-sent request open for a minute, and any number of them.

let app: AppProcess | undefined;
let data: Awaited<ReturnType<typeof tempDataDir>> | undefined;
const sockets: Socket[] = [];

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await app?.stop('SIGKILL');
  await data?.remove();
});

/** A connection that records what it received and resolves `closed` when the server ends it. */
async function open(url: string) {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  sockets.push(socket);
  socket.on('error', () => {});
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise((resolve) => socket.once('connect', resolve));
  return { socket, closed, received: () => received };
}

it('applies HEADERS_TIMEOUT_MS and MAX_CONNECTIONS: half-sent requests are closed, connections past the cap refused', async () => {
  data = await tempDataDir();
  app = await startApp({
    DATA_DIR: data.dir,
    LLM_PROVIDERS: 'demo',
    HEADERS_TIMEOUT_MS: '2000',
    REQUEST_TIMEOUT_MS: '2000',
    MAX_CONNECTIONS: '2',
  });
  const halfway = await open(app.url);
  halfway.socket.write('GET /health HTTP/1.1\r\nHost: test\r\nAccept: applic');
  const silent = await open(app.url);

  // Both places are taken (until the header timeout frees them): a third is closed unanswered.
  const extra = await open(app.url);
  extra.socket.write('GET /health HTTP/1.1\r\nHost: test\r\n\r\n');
  await extra.closed;
  expect(extra.received()).toBe('');

  await Promise.all([halfway.closed, silent.closed]);
  expect(halfway.socket.destroyed && silent.socket.destroyed).toBe(true);
  // The places are free again.
  expect((await app.call('GET', '/health')).status).toBe(200);
});
