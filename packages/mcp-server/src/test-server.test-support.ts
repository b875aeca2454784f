import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createKoaApp, type RateLimitOptions } from '@uaip/adapter-koa';
import {
  createMemoryStorage,
  createOrchestrator,
  createPasswordAuth,
  demoProvider,
  type LlmProvider,
  type Orchestrator,
} from '@uaip/core';
import { uaipWorkflow } from '@uaip/core/uaip';
import { createUaipMcpEndpoint, LOCALHOST_HOSTNAMES } from './http-endpoint';

export interface TestServer {
  url: string;
  /** The MCP endpoint the Koa app mounts. */
  mcpUrl: URL;
  orchestrator: Orchestrator;
  /** Registers and logs in a new user: their bearer token and id. */
  user(email?: string): Promise<{ token: string; userId: string }>;
  close(): Promise<void>;
}

/**
 * The reference app's pieces on loopback: memory storage, password accounts, the demo
 * provider (offline and deterministic: a vague answer gets a follow-up, a specific one
 * passes), and the MCP endpoint mounted by the Koa adapter at /api/v1/mcp.
 */
export async function startTestServer(
  options: { llm?: LlmProvider; rateLimits?: RateLimitOptions } = {},
): Promise<TestServer> {
  const storage = createMemoryStorage();
  const accounts = createPasswordAuth({
    storage,
    secret: 'test-secret-for-the-mcp-tests-32-bytes!',
    bcryptCost: 10,
  });
  const orchestrator = createOrchestrator({
    storage,
    llm: options.llm ?? demoProvider(),
    workflows: [uaipWorkflow],
  });
  // As the reference app on loopback: only loopback names in Host (DNS rebinding).
  const mcp = createUaipMcpEndpoint({ orchestrator, allowedHostnames: [...LOCALHOST_HOSTNAMES] });
  const { app } = createKoaApp({
    orchestrator,
    accounts,
    mcp,
    logger: { info() {}, warn() {}, error() {} },
    rateLimits: {
      registrationsPerAddressPerHour: 100_000,
      anonymousPerAddressPerHour: 100_000,
      ...options.rateLimits,
    },
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let users = 0;
  return {
    url,
    mcpUrl: new URL('/api/v1/mcp', url),
    orchestrator,
    async user(email = `user${++users}@example.com`) {
      const password = 'correct horse battery';
      await accounts.register({ email, password });
      const { accessToken, user } = await accounts.login({ email, password });
      return { token: accessToken, userId: user.id };
    },
    async close() {
      await mcp.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The protocol revision a client speaks: the 2025 revisions, or the current one. */
export type Era = 'legacy' | 'modern';

/**
 * The SDK's client over streamable HTTP with a bearer token; closed by the caller. `legacy`
 * is the 2025 handshake (what Claude Desktop and the v1 SDK send); `modern` pins 2026-07-28.
 */
export async function httpClient(url: URL, token: string, era: Era = 'legacy'): Promise<Client> {
  const client = new Client(
    { name: 'uaip-mcp-test', version: '1.0.0' },
    era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
  );
  await client.connect(
    new StreamableHTTPClientTransport(url, {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

/**
 * Answers that pass every gate on the demo provider: examples/embed/answers.txt, `key: answer`
 * lines keyed by topic id, and `gap:<stage id>` for a stage's gap question.
 */
export const ANSWERS: ReadonlyMap<string, string> = new Map(
  readFileSync(new URL('../../../examples/embed/answers.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => /^([\w:+-]+):\s*(.+)$/.exec(line.trim()))
    .filter((match) => match !== null)
    .map((match) => [match[1]!, match[2]!]),
);
