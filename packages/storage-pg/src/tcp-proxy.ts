import net from 'node:net';

/** A TCP proxy in front of the test server, to take "the database" down and up in tests. */
export interface TcpProxy {
  /** `postgres://...` of the target with the proxy's host and port. */
  url: string;
  /** Refuses new connections and cuts open ones, like a stopped server. */
  down(): Promise<void>;
  /** Cuts open connections; new ones are accepted but never answered, like a lost host. */
  blackhole(): void;
  /** Forwards again. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a proxy to the server of `targetUrl` on an ephemeral loopback port. The shared
 * PostgreSQL server is never stopped: only the path to it is cut.
 */
export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const targetPort = Number(target.port || 5432);
  const sockets = new Set<net.Socket>();
  let mode: 'forward' | 'blackhole' = 'forward';

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (mode === 'blackhole') return;
    const upstream = net.connect(targetPort, target.hostname);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  const listen = () =>
    new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  let port = 0;
  await listen();
  port = (server.address() as net.AddressInfo).port;

  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);

  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      if (!server.listening) resolve();
      else server.close(() => resolve());
    });

  return {
    url: url.toString(),
    down: stop,
    blackhole() {
      mode = 'blackhole';
      for (const socket of sockets) socket.destroy();
    },
    async up() {
      mode = 'forward';
      if (!server.listening) await listen();
    },
    close: stop,
  };
}
