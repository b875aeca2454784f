import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { answerUntilCompleted, call } from './conversation.test-support';
import { type Era, httpClient, startTestServer, type TestServer } from './test-server.test-support';

// Both protocol eras the SDK's handler serves: the 2025 handshake (today's agents) and the
// per-request 2026-07-28 revision.
describe.each([
  ['legacy', '2025-11-25'],
  ['modern', '2026-07-28'],
] as const)('over streamable HTTP, %s era (%s)', (era: Era, revision: string) => {
  let server: TestServer;
  let client: Client;

  beforeAll(async () => {
    server = await startTestServer();
    client = await httpClient(server.mcpUrl, (await server.user()).token, era);
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  test('the tools an agent is offered', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'answer_question',
      'get_charter',
      'get_pending_question',
      'list_sessions',
      'list_workflows',
      'start_session',
    ]);
    const answer = tools.find((tool) => tool.name === 'answer_question')!;
    expect(answer.inputSchema.required).toEqual(['sessionId', 'questionId', 'answer']);
    expect(answer.outputSchema?.properties).toHaveProperty('followUpAsked');
    expect(client.getInstructions()).toContain('Relay each question to your user word for word');
    expect(client.getNegotiatedProtocolVersion()).toBe(revision);
  });

  test('a whole scoping session through the tools: a vague answer is followed up, the charter read at the end', async () => {
    const workflows = await call(client, 'list_workflows');
    expect(workflows.structured.workflows.map((workflow: { id: string }) => workflow.id)).toEqual([
      'uaip',
    ]);
    expect(workflows.structured.workflows[0].stages).toHaveLength(5);
    expect(workflows.text).toContain('Call start_session');

    const started = await call(client, 'start_session', {
      idea: 'Predict which prepaid mobile customers will churn next month',
    });
    expect(started.isError, started.text).toBe(false);
    const { sessionId, question } = started.structured;
    expect(question).toMatchObject({ kind: 'question', stageNumber: 1, stageCount: 5, attempt: 1 });
    expect(started.text).toContain(`Ask your user this question word for word`);
    expect(started.text).toContain(question.text);
    expect(started.text).toContain(`sessionId "${sessionId}", questionId "${question.id}"`);

    // A vague answer: uaip scores it low and asks a follow-up, which the agent relays the same way.
    const vague = await call(client, 'answer_question', {
      sessionId,
      questionId: question.id,
      answer: 'Not sure, maybe less churn.',
    });
    expect(vague.isError, vague.text).toBe(false);
    expect(vague.structured).toMatchObject({ outcome: 'follow_up', followUpAsked: true });
    expect(vague.structured.score).toBeLessThan(vague.structured.threshold);
    const followUp = vague.structured.question;
    expect(followUp).toMatchObject({ kind: 'follow_up', attempt: 2, topicId: question.topicId });
    expect(followUp.id).not.toBe(question.id);
    expect(vague.text).toContain(`The answer scored ${vague.structured.score}/10`);
    expect(vague.text).toContain('This is a follow-up');
    expect(vague.text).toContain(followUp.text);

    const done = await answerUntilCompleted(client, sessionId);
    expect(done.structured.question).toBeNull();
    expect(done.text).toContain(`Call get_charter with sessionId "${sessionId}"`);

    const charter = await call(client, 'get_charter', { sessionId });
    expect(charter.isError, charter.text).toBe(false);
    expect(charter.structured.format).toBe('markdown');
    expect(charter.text).toContain('## 1. Business Translation');
    expect(charter.text).toBe(charter.structured.charter);
    const json = await call(client, 'get_charter', { sessionId, format: 'json' });
    expect(json.structured.charter).toEqual(JSON.parse(json.text));

    const listed = await call(client, 'list_sessions');
    expect(listed.structured.sessions).toEqual([
      expect.objectContaining({
        sessionId,
        status: 'completed',
        decision: done.structured.decision,
      }),
    ]);
    expect(listed.structured.nextCursor).toBeNull();

    // The same session and charter as resources.
    const { resources } = await client.listResources();
    expect(resources.map((resource) => resource.uri).sort()).toEqual([
      `uaip://sessions/${sessionId}`,
      `uaip://sessions/${sessionId}/charter`,
    ]);
    const session = await client.readResource({ uri: `uaip://sessions/${sessionId}` });
    const read = session.contents[0] as { mimeType: string; text: string };
    expect(read.mimeType).toBe('application/json');
    expect(JSON.parse(read.text)).toMatchObject({ id: sessionId, status: 'completed' });
    const charterResource = await client.readResource({
      uri: `uaip://sessions/${sessionId}/charter`,
    });
    expect((charterResource.contents[0] as { text: string }).text).toBe(charter.text);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((template) => template.uriTemplate).sort()).toEqual([
      'uaip://sessions/{id}',
      'uaip://sessions/{id}/charter',
    ]);
  });
});
