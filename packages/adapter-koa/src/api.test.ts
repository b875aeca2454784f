import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerResultSchema,
  errorBodySchema,
  loginResultSchema,
  sessionPageSchema,
  sessionSchema,
  turnListSchema,
  usageSchema,
  userSchema,
  workflowListSchema,
} from './index';
import { completeSession, RICH_ANSWER } from './session-driver.test-support';
import { PASSWORD, startTestApi, type TestApi } from './test-api.test-support';

let api: TestApi;
let token: string;
beforeAll(async () => {
  api = await startTestApi();
  token = (await api.user('owner@example.com')).token;
});
afterAll(() => api.close());

/** Asserts the contract's error body, with the response's request id in it. */
function expectError(
  response: { status: number; json: unknown; headers: Headers },
  status: number,
  code: string,
) {
  expect(response.status).toBe(status);
  expect(errorBodySchema.parse(response.json).error.code).toBe(code);
  expect((response.json as { error: { requestId: string } }).error.requestId).toBe(
    response.headers.get('x-request-id'),
  );
}

describe('text that is not Unicode', () => {
  it('refuses a lone UTF-16 surrogate in any text field with 400, naming the field', async () => {
    const lone = 'x\ud800y';
    const started = await api.call('POST', '/api/v1/sessions', { token, body: { idea: lone } });
    expectError(started, 400, 'validation_failed');
    expect(started.json.error.details).toEqual([{ path: 'idea', message: expect.any(String) }]);
    const titled = await api.call('POST', '/api/v1/sessions', {
      token,
      body: { idea: 'Predict churn', title: '\udc00' },
    });
    expect(titled.json.error.details[0].path).toBe('title');
    const session = await api.call('POST', '/api/v1/sessions', {
      token,
      body: { idea: 'Predict churn' },
    });
    const answered = await api.call('POST', `/api/v1/sessions/${session.json.id}/answers`, {
      token,
      body: { questionId: session.json.pendingQuestion.id, answer: `We cut churn ${lone}` },
    });
    expectError(answered, 400, 'validation_failed');
    expect(answered.json.error.details[0].path).toBe('answer');
    const registered = await api.call('POST', '/api/v1/auth/register', {
      body: { email: 'lone@example.com', password: 'correct horse battery', name: lone },
    });
    expectError(registered, 400, 'validation_failed');
    // A surrogate pair is one ordinary character.
    const emoji = await api.call('POST', '/api/v1/sessions', { token, body: { idea: 'Churn 😀' } });
    expect(emoji.status).toBe(201);
  });
});

describe('accounts', () => {
  it('registers (201, no token, no hash), logs in and reads itself', async () => {
    const registered = await api.call('POST', '/api/v1/auth/register', {
      body: { email: '  Grace@Example.com ', password: 'correct horse battery', name: 'Grace' },
    });
    expect(registered.status).toBe(201);
    expect(userSchema.strict().parse(registered.json.user)).toMatchObject({
      email: 'grace@example.com',
      name: 'Grace',
    });
    expect(registered.text).not.toMatch(/hash|\$2[aby]\$/i);

    const login = await api.call('POST', '/api/v1/auth/login', {
      body: { email: 'grace@example.com', password: 'correct horse battery' },
    });
    expect(login.status).toBe(200);
    expect(loginResultSchema.parse(login.json)).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 86400,
    });

    const me = await api.call('GET', '/api/v1/auth/me', { token: login.json.accessToken });
    expect(me.status).toBe(200);
    expect(me.json).toEqual({ user: registered.json.user });
  });

  it('refuses a taken email in any case, a short or over-long password, and a bad email', async () => {
    await api.call('POST', '/api/v1/auth/register', {
      body: { email: 'dup@example.com', password: 'correct horse battery' },
    });
    expectError(
      await api.call('POST', '/api/v1/auth/register', {
        body: { email: 'DUP@example.com', password: 'correct horse battery' },
      }),
      409,
      'conflict',
    );
    const short = await api.call('POST', '/api/v1/auth/register', {
      body: { email: 'x@example.com', password: 'short' },
    });
    expectError(short, 400, 'validation_failed');
    expect(short.json.error.details).toEqual([{ path: 'password', message: 'At least 8 bytes' }]);
    expectError(
      await api.call('POST', '/api/v1/auth/register', {
        body: { email: 'y@example.com', password: 'é'.repeat(37) },
      }),
      400,
      'validation_failed',
    );
    expectError(
      await api.call('POST', '/api/v1/auth/register', {
        body: { email: 'nope', password: 'correct horse battery' },
      }),
      400,
      'validation_failed',
    );
  });

  it('answers an unknown email and a wrong password with the same 401', async () => {
    const unknown = await api.call('POST', '/api/v1/auth/login', {
      body: { email: 'ghost@example.com', password: 'correct horse battery' },
    });
    const wrong = await api.call('POST', '/api/v1/auth/login', {
      body: { email: 'owner@example.com', password: 'wrong horse battery' },
    });
    expectError(unknown, 401, 'invalid_credentials');
    expectError(wrong, 401, 'invalid_credentials');
    expect(unknown.json.error.message).toBe(wrong.json.error.message);
  });

  it('signs out everywhere: every token issued so far gets 401, a new login works', async () => {
    const email = `everywhere-${Date.now()}@example.com`;
    const { token: first } = await api.user(email);
    const second = (
      await api.call('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } })
    ).json.accessToken as string;

    const out = await api.call('POST', '/api/v1/auth/logout-all', { token: first });
    expect(out.status).toBe(204);
    for (const old of [first, second]) {
      expectError(await api.call('GET', '/api/v1/auth/me', { token: old }), 401, 'unauthorized');
    }
    const again = await api.call('POST', '/api/v1/auth/login', {
      body: { email, password: PASSWORD },
    });
    const me = await api.call('GET', '/api/v1/auth/me', { token: again.json.accessToken });
    expect(me.json.user.email).toBe(email);
  });

  it('changes the password after checking the current one, and revokes earlier tokens', async () => {
    const email = `password-${Date.now()}@example.com`;
    const { token: old } = await api.user(email);
    const change = (body: object, token = old) =>
      api.call('POST', '/api/v1/auth/password', { token, body });

    expectError(
      await change({ currentPassword: 'not my password', newPassword: 'a new password!' }),
      401,
      'invalid_credentials',
    );
    const short = await change({ currentPassword: PASSWORD, newPassword: 'short' });
    expectError(short, 400, 'validation_failed');
    expect(short.json.error.details.map((d: { path: string }) => d.path)).toEqual(['newPassword']);
    // Neither failure changed anything: the token and the old password still work.
    expect((await api.call('GET', '/api/v1/auth/me', { token: old })).status).toBe(200);

    expect(
      (await change({ currentPassword: PASSWORD, newPassword: 'a new password!' })).status,
    ).toBe(204);
    expectError(await api.call('GET', '/api/v1/auth/me', { token: old }), 401, 'unauthorized');
    const login = (password: string) =>
      api.call('POST', '/api/v1/auth/login', { body: { email, password } });
    expectError(await login(PASSWORD), 401, 'invalid_credentials');
    expect((await login('a new password!')).status).toBe(200);
  });

  it('locks password guessing through a password change like failed logins', async () => {
    const guarded = await startTestApi({ rateLimits: { loginPer15Min: 2 } });
    try {
      const { token: own } = await guarded.user('guess@example.com');
      const guess = () =>
        guarded.call('POST', '/api/v1/auth/password', {
          token: own,
          body: { currentPassword: 'a wrong guess', newPassword: 'a new password!' },
        });
      expectError(await guess(), 401, 'invalid_credentials');
      expectError(await guess(), 401, 'invalid_credentials');
      const locked = await guess();
      expectError(locked, 429, 'rate_limited');
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await guarded.close();
    }
  });

  it('needs a bearer token everywhere but register and login', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/auth/me'],
      ['GET', '/api/v1/workflows'],
      ['GET', '/api/v1/sessions'],
      ['POST', '/api/v1/sessions'],
      ['POST', '/api/v1/auth/logout-all'],
      ['POST', '/api/v1/auth/password'],
    ]) {
      const response = await api.call(
        method!,
        path!,
        method === 'POST' ? { body: { idea: 'x' } } : {},
      );
      expectError(response, 401, 'unauthorized');
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
    }
    expectError(
      await api.call('GET', '/api/v1/sessions', { headers: { authorization: 'Basic abc' } }),
      401,
      'unauthorized',
    );
  });
});

describe('workflows and sessions', () => {
  it('lists the U-AIP workflow with its five stages', async () => {
    const response = await api.call('GET', '/api/v1/workflows', { token });
    expect(response.status).toBe(200);
    const [workflow] = workflowListSchema.parse(response.json).items;
    expect(workflow!.id).toBe('uaip');
    expect(workflow!.stages.map((stage) => stage.title)).toEqual([
      'Business Translation',
      'Value Quantification',
      'Data Feasibility',
      'User Centricity',
      'Ethical Governance',
    ]);
  });

  it('starts a session with its first question pending, and reads it back', async () => {
    const created = await api.call('POST', '/api/v1/sessions', {
      token,
      body: { idea: 'Forecast demand for 40 grocery stores' },
    });
    expect(created.status).toBe(201);
    const session = sessionSchema.parse(created.json);
    expect(session).toMatchObject({
      workflowId: 'uaip',
      workflowVersion: '2',
      title: 'Forecast demand for 40 grocery stores',
      status: 'active',
      version: 1,
      currentStageId: 'business-translation',
      pendingQuestion: {
        stageId: 'business-translation',
        kind: 'question',
        topicNumber: 1,
        topicCount: 4,
        attempt: 1,
        maxAttempts: 3,
        lastScore: null,
        issues: [],
      },
      usage: { inputTokens: 0, outputTokens: 0, costUsd: 0, unpricedCalls: 0 },
    });
    const read = await api.call('GET', `/api/v1/sessions/${session.id}`, { token });
    expect(read.status).toBe(200);
    expect(read.json).toEqual(created.json);
  });

  it('validates the body of a new session', async () => {
    expectError(
      await api.call('POST', '/api/v1/sessions', { token, body: { idea: '' } }),
      400,
      'validation_failed',
    );
    expectError(
      await api.call('POST', '/api/v1/sessions', { token, body: { idea: 'x'.repeat(2001) } }),
      400,
      'validation_failed',
    );
    const unknown = await api.call('POST', '/api/v1/sessions', {
      token,
      body: { idea: 'x', workflowId: 'nope' },
    });
    expectError(unknown, 400, 'validation_failed');
    expect(unknown.json.error.details).toEqual([
      { path: 'workflowId', message: 'No such workflow' },
    ]);
    const wrongType = await api.call('POST', '/api/v1/sessions', { token, body: { idea: 42 } });
    expect(wrongType.json.error.details[0].path).toBe('idea');
  });

  it("pages through the caller's sessions, newest first, and validates the limit", async () => {
    const { token: own } = await api.user();
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) {
      ids.push(
        (
          await api.call('POST', '/api/v1/sessions', {
            token: own,
            body: { idea: `Idea ${index}` },
          })
        ).json.id,
      );
    }
    const first = await api.call('GET', '/api/v1/sessions?limit=2', { token: own });
    expect(first.status).toBe(200);
    const page = sessionPageSchema.strict().parse(first.json);
    expect(page.items.map((item) => item.id)).toEqual([ids[2], ids[1]]);
    expect(page.items[0]).toMatchObject({ currentStageId: 'business-translation', outcome: null });
    const second = await api.call(
      'GET',
      `/api/v1/sessions?limit=2&cursor=${encodeURIComponent(page.nextCursor!)}`,
      { token: own },
    );
    expect(second.json.items.map((item: { id: string }) => item.id)).toEqual([ids[0]]);
    expect(second.json.nextCursor).toBeNull();
    expect((await api.call('GET', '/api/v1/sessions', { token: own })).json.items).toHaveLength(3);
    for (const limit of ['0', '101', 'abc', '1.5']) {
      expectError(
        await api.call('GET', `/api/v1/sessions?limit=${limit}`, { token: own }),
        400,
        'validation_failed',
      );
    }
    expectError(
      await api.call('GET', '/api/v1/sessions?cursor=garbage', { token: own }),
      400,
      'validation_failed',
    );
  });

  it('deletes a session: 204, then 404 on every route', async () => {
    const created = await api.call('POST', '/api/v1/sessions', {
      token,
      body: { idea: 'Short-lived' },
    });
    const id = created.json.id;
    const deleted = await api.call('DELETE', `/api/v1/sessions/${id}`, { token });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    for (const [method, path] of [
      ['GET', `/api/v1/sessions/${id}`],
      ['GET', `/api/v1/sessions/${id}/turns`],
      ['GET', `/api/v1/sessions/${id}/usage`],
      ['GET', `/api/v1/sessions/${id}/charter`],
      ['DELETE', `/api/v1/sessions/${id}`],
    ]) {
      expectError(await api.call(method!, path!, { token }), 404, 'not_found');
    }
    const answer = await api.call('POST', `/api/v1/sessions/${id}/answers`, {
      token,
      body: { questionId: created.json.pendingQuestion.id, answer: 'Late' },
    });
    expectError(answer, 404, 'not_found');
  });

  it('answers a question: 200 with the session and the outcome; the transcript and usage grow', async () => {
    const created = await api.call('POST', '/api/v1/sessions', {
      token,
      body: { idea: 'Predict churn' },
    });
    const vague = await api.call('POST', `/api/v1/sessions/${created.json.id}/answers`, {
      token,
      body: { questionId: created.json.pendingQuestion.id, answer: 'not sure, maybe' },
    });
    expect(vague.status).toBe(200);
    const result = answerResultSchema.parse(vague.json);
    expect(result.outcome).toMatchObject({
      kind: 'follow_up',
      quality: { threshold: 7 },
      escalated: false,
    });
    expect(result.outcome.quality.score).toBeLessThan(7);
    expect(result.session.pendingQuestion).toMatchObject({ kind: 'follow_up', attempt: 2 });
    expect(result.session.version).toBe(2);

    const better = await api.call('POST', `/api/v1/sessions/${created.json.id}/answers`, {
      token,
      body: { questionId: result.session.pendingQuestion!.id, answer: RICH_ANSWER },
    });
    expect(better.json.outcome.kind).toBe('accepted');

    const turns = await api.call('GET', `/api/v1/sessions/${created.json.id}/turns`, { token });
    expect(
      turnListSchema
        .strict()
        .parse(turns.json)
        .items.map((turn) => [turn.kind, turn.answer]),
    ).toEqual([
      ['question', 'not sure, maybe'],
      ['follow_up', RICH_ANSWER],
    ]);
    const usage = await api.call('GET', `/api/v1/sessions/${created.json.id}/usage`, { token });
    const parsed = usageSchema.parse(usage.json);
    expect(parsed.total.calls).toBe(3); // two scorings and the follow-up question
    expect(parsed.byProvider).toEqual([
      expect.objectContaining({ provider: 'anthropic', model: 'claude-haiku-5-5', calls: 3 }),
    ]);
    expect(parsed.byStage).toEqual([
      expect.objectContaining({ stageId: 'business-translation', calls: 3 }),
    ]);
  });

  it('refuses empty, blank and over-long answers, and a question that is not pending', async () => {
    const created = await api.call('POST', '/api/v1/sessions', {
      token,
      body: { idea: 'Predict churn' },
    });
    const path = `/api/v1/sessions/${created.json.id}/answers`;
    const questionId = created.json.pendingQuestion.id;
    for (const answer of ['', '  \n ', 'x'.repeat(10_001)]) {
      expectError(
        await api.call('POST', path, { token, body: { questionId, answer } }),
        400,
        'validation_failed',
      );
    }
    expectError(
      await api.call('POST', path, { token, body: { questionId: 'q-stale', answer: RICH_ANSWER } }),
      409,
      'conflict',
    );
    expectError(
      await api.call('POST', path, { token, body: { answer: RICH_ANSWER } }),
      400,
      'validation_failed',
    );
    expect(
      (await api.call('GET', `/api/v1/sessions/${created.json.id}`, { token })).json.version,
    ).toBe(1);
  });
});

describe('the charter', () => {
  let sessionId: string;
  beforeAll(async () => {
    sessionId = await completeSession(api, token);
  }, 60_000);

  it('is an invalid_state before the session completes', async () => {
    const created = await api.call('POST', '/api/v1/sessions', {
      token,
      body: { idea: 'Unfinished' },
    });
    expectError(
      await api.call('GET', `/api/v1/sessions/${created.json.id}/charter`, { token }),
      422,
      'invalid_state',
    );
  });

  it("lists the completed session with the charter's decision as its outcome", async () => {
    const charter = await api.call('GET', `/api/v1/sessions/${sessionId}/charter`, { token });
    const list = await api.call('GET', '/api/v1/sessions?limit=100', { token });
    const item = sessionPageSchema
      .parse(list.json)
      .items.find((candidate) => candidate.id === sessionId);
    const titles: Record<string, string> = {
      proceed: 'Proceed',
      proceed_with_monitoring: 'Proceed with monitoring',
      revise: 'Revise',
      submit_to_committee: 'Submit to committee',
      halt: 'Halt',
    };
    expect(item).toMatchObject({ status: 'completed', currentStageId: null });
    expect(item?.outcome).toBe(titles[charter.json.decision.decision]);
  });

  it('answering a completed session is session_completed', async () => {
    const session = (await api.call('GET', `/api/v1/sessions/${sessionId}`, { token })).json;
    expect(session).toMatchObject({ status: 'completed', pendingQuestion: null });
    const turns = (await api.call('GET', `/api/v1/sessions/${sessionId}/turns`, { token })).json
      .items;
    const answer = await api.call('POST', `/api/v1/sessions/${sessionId}/answers`, {
      token,
      body: { questionId: turns.at(-1).questionId, answer: RICH_ANSWER },
    });
    expectError(answer, 422, 'session_completed');
  });

  it('comes as JSON by default, as Markdown or HTML by ?format or by Accept', async () => {
    const json = await api.call('GET', `/api/v1/sessions/${sessionId}/charter`, { token });
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(json.json).toMatchObject({
      kind: 'uaip-charter',
      sessionId,
      producedBy: { demo: false },
    });

    const markdown = await api.call('GET', `/api/v1/sessions/${sessionId}/charter?format=md`, {
      token,
    });
    expect(markdown.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    for (const [index, title] of [
      'Business Translation',
      'Value Quantification',
      'Data Feasibility',
      'User Centricity',
      'Ethical Governance',
    ].entries()) {
      expect(markdown.text).toContain(`\n## ${index + 1}. ${title}\n`);
    }

    const html = await api.call('GET', `/api/v1/sessions/${sessionId}/charter`, {
      token,
      headers: { accept: 'text/html' },
    });
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.text).toMatch(/^<!doctype html>/);
    expect(html.headers.get('content-security-policy')).toContain("style-src 'unsafe-inline'");

    const byAccept = await api.call('GET', `/api/v1/sessions/${sessionId}/charter`, {
      token,
      headers: { accept: 'text/markdown' },
    });
    expect(byAccept.text).toBe(markdown.text);
    const queryWins = await api.call('GET', `/api/v1/sessions/${sessionId}/charter?format=json`, {
      token,
      headers: { accept: 'text/html' },
    });
    expect(queryWins.headers.get('content-type')).toMatch(/^application\/json/);
    expectError(
      await api.call('GET', `/api/v1/sessions/${sessionId}/charter?format=pdf`, { token }),
      400,
      'validation_failed',
    );
  });
});

describe('errors of the HTTP plumbing', () => {
  it('answers an unknown route 404 and a wrong method 405, in the error format', async () => {
    expectError(await api.call('GET', '/api/v1/nope', { token }), 404, 'not_found');
    expectError(await api.call('GET', '/nope'), 404, 'not_found');
    const wrongMethod = await api.call('PUT', '/api/v1/sessions', { token, body: {} });
    expectError(wrongMethod, 405, 'method_not_allowed');
    expect(wrongMethod.headers.get('allow')).toContain('GET');
  });

  it('takes JSON only, up to 64 KiB, and says what is wrong with a malformed body', async () => {
    expectError(
      await api.call('POST', '/api/v1/sessions', {
        token,
        rawBody: 'idea=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      415,
      'unsupported_media_type',
    );
    expectError(
      await api.call('POST', '/api/v1/sessions', {
        token,
        rawBody: 'idea',
        headers: { 'content-type': 'text/plain' },
      }),
      415,
      'unsupported_media_type',
    );
    expectError(
      await api.call('POST', '/api/v1/sessions', {
        token,
        rawBody: '{"idea": ',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'validation_failed',
    );
    expectError(
      await api.call('POST', '/api/v1/sessions', { token, body: { idea: 'x'.repeat(70_000) } }),
      413,
      'payload_too_large',
    );
  });

  it('treats an id that is not a UUID as a session that does not exist', async () => {
    expectError(await api.call('GET', '/api/v1/sessions/123', { token }), 404, 'not_found');
    expectError(
      await api.call('GET', "/api/v1/sessions/1'%20OR%201=1", { token }),
      404,
      'not_found',
    );
  });
});

describe('JSON media types', () => {
  it('reads a +json body as JSON', async () => {
    const response = await api.call('POST', '/api/v1/sessions', {
      token,
      rawBody: JSON.stringify({ idea: 'From a +json client' }),
      headers: { 'content-type': 'application/vnd.example+json' },
    });
    expect(response.status).toBe(201);
    expect(response.json.idea).toBe('From a +json client');
  });
});
