import type { Client } from '@modelcontextprotocol/client';
import { failingProvider } from '@uaip/core/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { answerUntilCompleted, call } from './conversation.test-support';
import { httpClient, startTestServer, type TestServer } from './test-server.test-support';

const IDEA = { idea: 'Predict which prepaid mobile customers will churn next month' };

describe('on a working server', () => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    server = await startTestServer();
    client = await httpClient(server.mcpUrl, (await server.user()).token);
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  test('without a valid token the endpoint answers 401, as the rest of the API does', async () => {
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'curl', version: '1' },
      },
    };
    for (const authorization of [undefined, 'Bearer not-a-token']) {
      const response = await fetch(server.mcpUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...(authorization ? { authorization } : {}),
        },
        body: JSON.stringify(initialize),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      const body = (await response.json()) as { error: { code: string } };
      expect(body.error.code).toBe('unauthorized');
    }
    await expect(httpClient(server.mcpUrl, 'not-a-token')).rejects.toThrow();
  });

  test("uaip's refusals are tool results with isError, the code and what to do next", async () => {
    const started = await call(client, 'start_session', IDEA);
    const { sessionId, question } = started.structured;

    const unknown = await call(client, 'get_pending_question', { sessionId: 'no-such-session' });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toContain('uaip refused (not_found)');
    expect(unknown.text).toContain('Call list_sessions');

    const blank = await call(client, 'answer_question', {
      sessionId,
      questionId: question.id,
      answer: '   ',
    });
    expect(blank.isError).toBe(true);
    expect(blank.text).toContain('uaip refused (validation_failed)');
    expect(blank.text).toContain('- answer: The answer is empty');

    const early = await call(client, 'get_charter', { sessionId });
    expect(early.isError).toBe(true);
    expect(early.text).toContain('uaip refused (invalid_state)');

    const stale = await call(client, 'answer_question', {
      sessionId,
      questionId: 'q-not-the-pending-one',
      answer: 'Cut churn from 8% to 5% by September.',
    });
    expect(stale.isError).toBe(true);
    expect(stale.text).toContain('uaip refused (conflict)');
    expect(stale.text).toContain('Call get_pending_question');

    // Arguments that miss the schema: the SDK's error result, naming the field; an unknown tool
    // is a protocol error.
    const missing = await call(client, 'answer_question', { sessionId, questionId: question.id });
    expect(missing.isError).toBe(true);
    expect(missing.text).toContain('answer: Invalid input');
    await expect(client.callTool({ name: 'answer', arguments: {} })).rejects.toThrow(
      'Tool answer not found',
    );

    // None of these changed the session: the first question still waits.
    const pending = await call(client, 'get_pending_question', { sessionId });
    expect(pending.structured.question.id).toBe(question.id);
  });

  test('a repeated answer (a call the agent sent again) replays the first reply', async () => {
    const { structured } = await call(client, 'start_session', IDEA);
    const args = {
      sessionId: structured.sessionId,
      questionId: structured.question.id,
      answer:
        'Reduce voluntary churn of prepaid customers from 8% to 5% per month by September 2027, worth 2.4 million EUR a year, measured from billing deactivations.',
    };
    const first = await call(client, 'answer_question', args);
    const again = await call(client, 'answer_question', args);
    expect(again.isError, again.text).toBe(false);
    expect(again.structured).toEqual(first.structured);
  });

  test('answering a completed session says so and points at the charter', async () => {
    const { structured } = await call(client, 'start_session', IDEA);
    const done = await answerUntilCompleted(client, structured.sessionId);
    expect(done.structured.decision).toEqual(expect.any(String));
    const late = await call(client, 'answer_question', {
      sessionId: structured.sessionId,
      questionId: structured.question.id,
      answer: 'One more thing.',
    });
    expect(late.isError).toBe(true);
    expect(late.text).toMatch(/uaip refused \((session_completed|conflict)\)/);
  });

  test("another user's session does not exist for this user, as a tool or as a resource", async () => {
    const { structured } = await call(client, 'start_session', IDEA);
    const stranger = await httpClient(server.mcpUrl, (await server.user()).token);
    try {
      const peek = await call(stranger, 'get_pending_question', {
        sessionId: structured.sessionId,
      });
      expect(peek.isError).toBe(true);
      expect(peek.text).toContain('uaip refused (not_found)');
      await expect(
        stranger.readResource({ uri: `uaip://sessions/${structured.sessionId}` }),
      ).rejects.toThrow(/not found/i);
      expect((await call(stranger, 'list_sessions')).structured.sessions).toEqual([]);
      expect((await stranger.listResources()).resources).toEqual([]);
    } finally {
      await stranger.close();
    }
  });
});

test('when no language model answers, the answer is refused with llm_unavailable and the session is unchanged', async () => {
  const server = await startTestServer({ llm: failingProvider() });
  const client = await httpClient(server.mcpUrl, (await server.user()).token);
  try {
    const { structured } = await call(client, 'start_session', IDEA);
    const reply = await call(client, 'answer_question', {
      sessionId: structured.sessionId,
      questionId: structured.question.id,
      answer: 'Cut churn from 8% to 5% by September 2027.',
    });
    expect(reply.isError).toBe(true);
    expect(reply.text).toContain('uaip refused (llm_unavailable)');
    expect(reply.text).toContain('send the same answer again later');
    const pending = await call(client, 'get_pending_question', { sessionId: structured.sessionId });
    expect(pending.structured.question).toMatchObject({ id: structured.question.id, attempt: 1 });
  } finally {
    await client.close();
    await server.close();
  }
});

test('tool calls that score an answer count against the per-user LLM limit; reading does not', async () => {
  const server = await startTestServer({ rateLimits: { llmPerHour: 2 } });
  const client = await httpClient(server.mcpUrl, (await server.user()).token);
  try {
    const { structured } = await call(client, 'start_session', IDEA); // 1 of 2
    const args = { sessionId: structured.sessionId, questionId: structured.question.id };
    expect((await call(client, 'answer_question', { ...args, answer: 'Not sure.' })).isError).toBe(
      false,
    ); // 2 of 2
    await expect(
      client.callTool({
        name: 'answer_question',
        arguments: { ...args, answer: 'Still not sure.' },
      }),
    ).rejects.toThrow(/429|rate/i);
    for (let read = 0; read < 3; read++) {
      expect((await call(client, 'get_pending_question', args)).isError).toBe(false);
    }
  } finally {
    await client.close();
    await server.close();
  }
});
