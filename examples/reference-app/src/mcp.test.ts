import { request } from 'node:http';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AppProcess, signIn, startApp, tempDataDir } from './app-process.test-support';

// `npm start` serves the MCP endpoint of @uaip/mcp-server at /api/v1/mcp, behind the API's
// tokens; the package's own tests cover the tools in depth.
let app: AppProcess;
let dir: { dir: string; remove(): Promise<void> };

beforeAll(async () => {
  dir = await tempDataDir();
  app = await startApp({ DATA_DIR: dir.dir, LLM_PROVIDERS: 'demo' });
});
afterAll(async () => {
  await app?.stop('SIGKILL');
  await dir?.remove();
});

it('serves MCP at /api/v1/mcp to a signed-in agent: a session started there is the user’s session in the API', async () => {
  const token = await signIn(app);
  const client = new Client({ name: 'reference-app-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL('/api/v1/mcp', app.url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  try {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('answer_question');
    const started = await client.callTool({
      name: 'start_session',
      arguments: { idea: 'Predict which prepaid mobile customers will churn next month' },
    });
    const { sessionId, question } = started.structuredContent as {
      sessionId: string;
      question: { id: string; text: string };
    };
    const answered = await client.callTool({
      name: 'answer_question',
      arguments: { sessionId, questionId: question.id, answer: 'Not sure yet.' },
    });
    expect(answered.structuredContent).toMatchObject({ outcome: 'follow_up' });

    const turns = await app.call('GET', `/api/v1/sessions/${sessionId}/turns`, { token });
    expect(turns.json.items).toEqual([
      expect.objectContaining({ question: question.text, answer: 'Not sure yet.' }),
    ]);
  } finally {
    await client.close();
  }
});

it('refuses a request without a token (401) and, on loopback, one for another host name (403)', async () => {
  const unsigned = await app.call('POST', '/api/v1/mcp', {
    body: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
  });
  expect(unsigned.status).toBe(401);

  // A DNS-rebinding page: its requests name its own host. fetch cannot set Host; node:http can.
  const token = await signIn(app);
  const status = await new Promise<number>((resolve, reject) => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const sent = request(
      new URL('/api/v1/mcp', app.url),
      {
        method: 'POST',
        headers: {
          host: 'evil.example.com',
          origin: 'http://evil.example.com',
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
  expect(status).toBe(403);
});
