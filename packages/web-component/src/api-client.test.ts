import { afterEach, describe, expect, it } from 'vitest';
import { createFakeApi } from './fake-api.test-support';
import { createUaipClient, type SessionEvent, UaipApiError } from './index';
import { cleanUp, until } from './test-helpers.test-support';

afterEach(cleanUp);

async function rejection(promise: Promise<unknown>): Promise<UaipApiError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (caught: unknown) => caught,
  );
  expect(UaipApiError.isInstance(error)).toBe(true);
  return error as UaipApiError;
}

describe('createUaipClient', () => {
  it('sends the token in the Authorization header and never in a URL', async () => {
    const api = createFakeApi();
    const token = api.signUp();
    const client = createUaipClient({ token, fetch: api.fetch });
    const session = await client.createSession({ idea: 'Predict churn' });
    await client.getSession(session.id);
    for (const call of api.calls) {
      expect(call.headers.get('authorization')).toBe(`Bearer ${token}`);
      expect(call.url).not.toContain(token);
    }
    expect(api.calls[0]!.url).toBe(new URL('/api/v1/sessions', document.baseURI).href);
  });

  it('parses the contract error body, Retry-After and the request id', async () => {
    const api = createFakeApi();
    const client = createUaipClient({ token: api.signUp(), fetch: api.fetch });
    api.failNext('GET /sessions', {
      status: 429,
      code: 'rate_limited',
      message: 'Slow down',
      retryAfter: 12,
    });
    const error = await rejection(client.listSessions());
    expect(error).toMatchObject({
      status: 429,
      code: 'rate_limited',
      message: 'Slow down',
      retryAfterSeconds: 12,
      requestId: 'req-fake',
    });
  });

  it('reports a network failure as code network, status 0', async () => {
    const api = createFakeApi();
    const client = createUaipClient({ token: api.signUp(), fetch: api.fetch });
    api.failNext('GET /sessions', 'network');
    expect(await rejection(client.listSessions())).toMatchObject({ status: 0, code: 'network' });
  });

  it('calls any origin and finds /health at its root, without a token', async () => {
    const api = createFakeApi({ demo: true });
    const client = createUaipClient({
      apiBase: 'https://api.example.com/api/v1/',
      token: 't',
      fetch: api.fetch,
    });
    const health = await client.health();
    expect(health.checks.llm[0]).toMatchObject({ demo: true });
    expect(api.calls[0]!.url).toBe('https://api.example.com/health');
    expect(api.calls[0]!.headers.has('authorization')).toBe(false);
  });

  it('reads the event stream until aborted', async () => {
    const api = createFakeApi();
    const token = api.signUp();
    const client = createUaipClient({ token, fetch: api.fetch });
    const session = await client.createSession({ idea: 'Predict churn' });
    const seen: SessionEvent[] = [];
    const abort = new AbortController();
    const reading = client.events(session.id, (event) => seen.push(event), {
      signal: abort.signal,
    });
    await until(() => expect(api.openStreams(session.id)).toBe(1));
    await api.advance(session.id, 'vague answer');
    await until(() => expect(seen.map((event) => event.type)).toContain('question.asked'));
    expect(seen.map((event) => event.type)).toEqual([
      'turn.started',
      'llm.attempt',
      'answer.scored',
      'question.asked',
    ]);
    abort.abort();
    await expect(reading).resolves.toBeUndefined();
    expect(api.openStreams(session.id)).toBe(0);
  });

  it('returns the charter in each format as a Blob', async () => {
    const api = createFakeApi({ stages: [['only', 'Only stage']] });
    const token = api.signUp();
    const client = createUaipClient({ token, fetch: api.fetch });
    const session = await client.createSession({ idea: 'Predict churn' });
    expect((await rejection(client.charter(session.id, 'md'))).code).toBe('invalid_state');
    await api.advance(session.id);
    expect(await (await client.charter(session.id, 'md')).text()).toContain('# AI Project Charter');
    expect((await client.charter(session.id, 'html')).type).toContain('text/html');
    expect(api.calls.at(-1)!.headers.get('accept')).toBe('text/html');
  });

  it('exports a session as a Blob of its document, which imports back as a new session', async () => {
    const api = createFakeApi();
    const token = api.signUp();
    const client = createUaipClient({ token, fetch: api.fetch });
    const session = await client.createSession({ idea: 'Predict churn' });
    await api.advance(session.id, 'A clear answer');
    const blob = await client.exportSession(session.id);
    const document = JSON.parse(await blob.text());
    expect(document).toMatchObject({ format: 'uaip.session', version: 1 });
    expect(document.session).toMatchObject({ id: session.id, title: 'Predict churn' });
    expect(api.calls.at(-1)).toMatchObject({
      method: 'GET',
      path: `/sessions/${session.id}/export`,
    });

    const copy = await client.importSession(document);
    expect(copy.id).not.toBe(session.id);
    expect(copy).toMatchObject({ title: 'Predict churn', status: 'active' });
    expect(copy.stages[0]!.status).toBe('completed');
    const sent = api.calls.at(-1)!;
    expect(sent).toMatchObject({ method: 'POST', path: '/sessions/import' });
    expect(sent.headers.get('content-type')).toBe('application/json');
    expect(sent.headers.get('authorization')).toBe(`Bearer ${token}`);
    expect(sent.body).toEqual(document);
  });

  it("rejects an export of another user's session (404) and an invalid import with the paths", async () => {
    const api = createFakeApi();
    const bob = api.signUp('bob@example.com', 'pw', 'Bob');
    const theirs = api.createSession(bob, 'Not yours');
    const client = createUaipClient({ token: api.signUp(), fetch: api.fetch });
    expect((await rejection(client.exportSession(theirs.id))).code).toBe('not_found');
    const invalid = await rejection(
      client.importSession({ format: 'uaip.session', version: 1, session: {} }),
    );
    expect(invalid).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(invalid.details.map((detail) => detail.path)).toContain('session.title');
    const version = await rejection(client.importSession({ format: 'uaip.session', version: 2 }));
    expect(version.message).toBe('Unknown session export version 2: this server reads version 1');
  });
});
