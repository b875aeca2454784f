import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a test receiver does with the next request: answer with a status, or never answer. */
export type ReceiverStep = number | 'hang';

/** A request the receiver got, with its headers and the exact body. */
export interface ReceivedRequest {
  headers: Record<string, string>;
  body: string;
}

/** A webhook receiver on 127.0.0.1 that follows a script, then answers `fallback`. */
export interface TestReceiver {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  /** How many hung requests the sender gave up on (closed before an answer). */
  abandoned: number;
  close(): Promise<void>;
}

export async function startReceiver(
  script: ReceiverStep[] = [],
  fallback: ReceiverStep = 200,
  onRequest?: (request: ReceivedRequest) => void,
): Promise<TestReceiver> {
  const steps = [...script];
  const hung = new Set<ServerResponse>();
  const receiver: TestReceiver = {
    url: '',
    port: 0,
    requests: [],
    abandoned: 0,
    close: async () => {
      for (const response of hung) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received = {
        headers: request.headers as Record<string, string>,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      receiver.requests.push(received);
      onRequest?.(received);
      const step = steps.shift() ?? fallback;
      if (step === 'hang') {
        hung.add(response);
        response.on('close', () => {
          if (!response.writableEnded) receiver.abandoned += 1;
        });
        return;
      }
      response.writeHead(step).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}/hooks`;
  return receiver;
}
