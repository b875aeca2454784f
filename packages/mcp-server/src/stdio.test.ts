import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { answerUntilCompleted, call } from './conversation.test-support';
import { type Era, httpClient, startTestServer, type TestServer } from './test-server.test-support';

// The `uaip-mcp` command as an MCP client starts it: a child process on stdio (here from the
// TypeScript source through tsx), talking to a uaip server over its HTTP API with a token.
const BIN = fileURLToPath(new URL('./bin.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const NODE_ARGS = ['--conditions=@uaip/source', '--import', 'tsx', BIN];

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  token = (await server.user()).token;
});
afterAll(() => server?.close());

/** Starts `uaip-mcp` with this environment and connects the SDK's client to it. */
async function stdioClient(env: Record<string, string>, era: Era = 'legacy'): Promise<Client> {
  const client = new Client(
    { name: 'uaip-mcp-test', version: '1.0.0' },
    era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
  );
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: NODE_ARGS,
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stderr: 'pipe',
    }),
  );
  return client;
}

test('a session started in one uaip-mcp process is picked up by another, and seen over HTTP', async () => {
  const env = { UAIP_URL: server.url, UAIP_TOKEN: token };
  const first = await stdioClient(env);
  let sessionId: string;
  let followUpId: string;
  try {
    const started = await call(first, 'start_session', {
      idea: 'Predict which prepaid mobile customers will churn next month',
    });
    expect(started.isError, started.text).toBe(false);
    expect(first.getNegotiatedProtocolVersion()).toBe('2025-11-25');
    sessionId = started.structured.sessionId;
    const vague = await call(first, 'answer_question', {
      sessionId,
      questionId: started.structured.question.id,
      answer: 'Less churn, I guess.',
    });
    expect(vague.structured.followUpAsked).toBe(true);
    followUpId = vague.structured.question.id;
  } finally {
    await first.close();
  }

  // A new process (another conversation, or after a restart; this one on the 2026-07-28
  // revision): the state is in uaip.
  const second = await stdioClient(env, 'modern');
  try {
    expect(second.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    const pending = await call(second, 'get_pending_question', { sessionId });
    expect(pending.structured.question).toMatchObject({ id: followUpId, kind: 'follow_up' });
    await answerUntilCompleted(second, sessionId);
    const charter = await call(second, 'get_charter', { sessionId });
    expect(charter.text).toContain('## 5. ');
    const resource = await second.readResource({ uri: `uaip://sessions/${sessionId}/charter` });
    expect((resource.contents[0] as { text: string }).text).toBe(charter.text);
  } finally {
    await second.close();
  }

  const overHttp = await httpClient(server.mcpUrl, token);
  try {
    const listed = await call(overHttp, 'list_sessions');
    expect(listed.structured.sessions).toEqual([
      expect.objectContaining({ sessionId, status: 'completed' }),
    ]);
  } finally {
    await overHttp.close();
  }
});

test('a refused token and an unreachable server are tool errors that say what to fix', async () => {
  const refused = await stdioClient({ UAIP_URL: server.url, UAIP_TOKEN: 'not-a-token' });
  try {
    const reply = await call(refused, 'list_sessions');
    expect(reply.isError).toBe(true);
    expect(reply.text).toContain('uaip refused (unauthorized)');
    expect(reply.text).toContain('UAIP_TOKEN');
  } finally {
    await refused.close();
  }
  // Port 1 on loopback: nothing listens there.
  const nowhere = await stdioClient({ UAIP_URL: 'http://127.0.0.1:1', UAIP_TOKEN: token });
  try {
    const reply = await call(nowhere, 'list_workflows');
    expect(reply.isError).toBe(true);
    expect(reply.text).toContain('Could not reach the uaip server at http://127.0.0.1:1');
  } finally {
    await nowhere.close();
  }
});

test('without UAIP_URL or UAIP_TOKEN the command says what to set and exits with 2', async () => {
  const run = (env: Record<string, string>) =>
    new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        NODE_ARGS,
        { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } },
        (error, _stdout, stderr) => resolve({ code: Number(error?.code ?? 0), stderr }),
      );
    });
  const noUrl = await run({ UAIP_TOKEN: token });
  expect(noUrl.code).toBe(2);
  expect(noUrl.stderr).toContain('uaip-mcp: set UAIP_URL.');
  const noToken = await run({ UAIP_URL: server.url });
  expect(noToken.code).toBe(2);
  expect(noToken.stderr).toContain('uaip-mcp: set UAIP_TOKEN.');
});
