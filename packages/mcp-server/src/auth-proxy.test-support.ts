import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback proxy that adds `Authorization: Bearer <token>` to every request: the
 * conformance suite's client has no option for a header, and the endpoint under test stays
 * behind the API's own auth.
 */
export async function startAuthProxy(
  target: URL,
  token: string,
): Promise<{ url: URL; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const forwarded = httpRequest(
      new URL(req.url ?? '/', target),
      {
        method: req.method,
        // The client's own Host goes through: the endpoint judges it.
        headers: { ...req.headers, authorization: `Bearer ${token}` },
      },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(target.pathname, `http://127.0.0.1:${port}`),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
