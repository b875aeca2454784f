import { createMemoryStorage } from '@uaip/core';
import { blockingProvider, demoResponder, scriptedProvider } from '@uaip/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { RICH_ANSWER } from './session-driver.test-support';
import { startTestApi, type TestApi } from './test-api.test-support';

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function newSession(target: TestApi, token: string) {
  return (await target.call('POST', '/api/v1/sessions', { token, body: { idea: 'Predict churn' } }))
    .json;
}

describe('exactly-once answers', () => {
  it('replays a retry with the same Idempotency-Key without calling the LLM, and refuses it with another body', async () => {
    api = await startTestApi();
    const { token } = await api.user();
    const session = await newSession(api, token);
    const path = `/api/v1/sessions/${session.id}/answers`;
    const body = { questionId: session.pendingQuestion.id, answer: RICH_ANSWER };
    const first = await api.call('POST', path, {
      token,
      body,
      headers: { 'idempotency-key': 'retry-1' },
    });
    expect(first.status).toBe(200);
    const calls = api.claude.generationRequests().length;
    const replay = await api.call('POST', path, {
      token,
      body,
      headers: { 'idempotency-key': 'retry-1' },
    });
    expect(replay.status).toBe(200);
    expect(replay.json).toEqual(first.json);
    expect(api.claude.generationRequests()).toHaveLength(calls);
    const other = await api.call('POST', path, {
      token,
      body: { ...body, answer: 'Another answer' },
      headers: { 'idempotency-key': 'retry-1' },
    });
    expect(other.status).toBe(409);
    expect(other.json.error.code).toBe('conflict');
    const tooLong = await api.call('POST', path, {
      token,
      body,
      headers: { 'idempotency-key': 'k'.repeat(256) },
    });
    expect(tooLong.status).toBe(400);
  });

  it('lets one of four concurrent answers win; the other three get 409 while its LLM call still runs', async () => {
    const storage = createMemoryStorage();
    const blocking = blockingProvider(
      scriptedProvider(() => ({ json: { score: 9, issues: [], followUp: '' } })),
    );
    api = await startTestApi({ storage, llm: blocking });
    const { token } = await api.user();
    const session = await newSession(api, token);
    const body = { questionId: session.pendingQuestion.id, answer: RICH_ANSWER };
    const settled: number[] = [];
    const answers = [0, 1, 2, 3].map(() =>
      api!
        .call('POST', `/api/v1/sessions/${session.id}/answers`, { token, body })
        .then((response) => {
          settled.push(response.status);
          return response;
        }),
    );
    await blocking.arrived(1);
    await expect.poll(() => settled.length).toBe(3);
    expect(settled).toEqual([409, 409, 409]);
    expect(blocking.calls).toBe(1);
    blocking.release();
    const statuses = (await Promise.all(answers)).map((response) => response.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409]);
    expect(blocking.calls).toBe(1);
  });
});

describe('when every LLM provider is down', () => {
  it('answers 503 llm_unavailable, keeps the session as it was, and accepts the same answer after recovery', async () => {
    api = await startTestApi();
    const { token } = await api.user();
    const session = await newSession(api, token);
    api.claude.respond(() => ({ kind: 'status', status: 529 }));
    api.ollama.respond(() => ({ kind: 'reset' }));
    const path = `/api/v1/sessions/${session.id}/answers`;
    const body = { questionId: session.pendingQuestion.id, answer: RICH_ANSWER };
    const down = await api.call('POST', path, { token, body });
    expect(down.status).toBe(503);
    expect(down.json.error.code).toBe('llm_unavailable');
    expect(down.text).not.toMatch(/anthropic|ollama|ECONN|529/i);
    const unchanged = (await api.call('GET', `/api/v1/sessions/${session.id}`, { token })).json;
    expect({ ...unchanged, usage: session.usage }).toEqual(session);

    api.claude.respond(demoResponder('anthropic'));
    const recovered = await api.call('POST', path, { token, body });
    expect(recovered.status).toBe(200);
    expect(recovered.json.outcome.kind).toBe('accepted');
  });
});
