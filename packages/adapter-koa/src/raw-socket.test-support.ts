import { connect } from 'node:net';

/** A TCP connection to the server that writes bytes exactly as given, as slowly as a test likes. */
export interface RawSocket {
  /** Writes these bytes (an HTTP request, or part of one). */
  write(text: string): void;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves once `received()` matches. */
  until(match: (received: string) => boolean): Promise<string>;
  /** Resolves when the server (or the network) closed the connection. */
  readonly closed: Promise<void>;
  isOpen(): boolean;
  /** Hangs up. */
  destroy(): void;
}

/** Opens a connection to `baseUrl`'s host and port; resolves once it is established. */
export async function rawSocket(baseUrl: string): Promise<RawSocket> {
  const url = new URL(baseUrl);
  const socket = connect({ host: url.hostname, port: Number(url.port) });
  let data = '';
  const waiters = new Set<() => void>();
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    data += chunk;
    for (const wake of waiters) wake();
  });
  // A reset by the server is a close like any other here.
  socket.on('error', () => {});
  let open = true;
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      open = false;
      for (const wake of waiters) wake();
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return {
    write: (text) => void socket.write(text, 'latin1'),
    received: () => data,
    until(match) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (match(data)) {
            waiters.delete(check);
            resolve(data);
          } else if (!open) {
            waiters.delete(check);
            reject(new Error(`closed before the expected bytes; received ${JSON.stringify(data)}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
    closed,
    isOpen: () => open,
    destroy: () => socket.destroy(),
  };
}

/** The status code of the first response in `received`, or undefined before its status line. */
export function statusOf(received: string): number | undefined {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
  return match ? Number(match[1]) : undefined;
}

/** The JSON body of a complete response with a `Content-Length`, or undefined until it is in. */
export function jsonBodyOf(received: string): unknown {
  const end = received.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const length = /\r\ncontent-length: *(\d+)/i.exec(received.slice(0, end));
  const body = received.slice(end + 4);
  if (!length || Buffer.byteLength(body, 'latin1') < Number(length[1])) return undefined;
  return JSON.parse(Buffer.from(body.slice(0, Number(length[1])), 'latin1').toString('utf8'));
}
