import { sessionExportSchema } from '@uaip/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportFileName } from './export-routes';
import { sessionSchema } from './response-schemas';
import { completeSession, RICH_ANSWER } from './session-driver.test-support';
import { namedUser, share, type TestUser } from './sharing.test-support';
import { expectError, startTestApi, type TestApi } from './test-api.test-support';

// GET /sessions/:id/export and POST /sessions/import: a session as one document, and that
// document stored again as a new session of whoever imports it.

describe('export and import over HTTP', () => {
  let api: TestApi;
  let owner: TestUser;
  let viewer: TestUser;
  let importer: TestUser;
  let stranger: TestUser;
  let sessionId: string;
  beforeAll(async () => {
    api = await startTestApi();
    [owner, viewer, importer, stranger] = (await Promise.all(
      ['owner', 'viewer', 'importer', 'stranger'].map((name) => namedUser(api, name)),
    )) as [TestUser, TestUser, TestUser, TestUser];
    sessionId = await completeSession(api, owner.token);
    const shared = await share(api, owner.token, sessionId, {
      email: viewer.email,
      role: 'viewer',
    });
    expect(shared.status).toBe(201);
  }, 60_000);
  afterAll(() => api.close());

  const exportOf = (token: string, id = sessionId) =>
    api.call('GET', `/api/v1/sessions/${id}/export`, { token });
  const importAs = (token: string, body: unknown) =>
    api.call('POST', '/api/v1/sessions/import', { token, body });

  it('exports the session as a JSON attachment that the schema reads', async () => {
    const response = await exportOf(owner.token);
    expect(response.status, response.text).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="predict-churn-of-prepaid-customers-session.json"',
    );
    const document = sessionExportSchema.parse(response.json);
    expect(document).toMatchObject({ format: 'uaip.session', version: 1 });
    expect(document.session.id).toBe(sessionId);
    expect(document.session.status).toBe('completed');
    expect(document.turns.length).toBeGreaterThan(10);
    expect(document.usage.length).toBeGreaterThan(10);
    // Who owns it, and the lease, stay out of the document (the history names its actors).
    expect(response.json.session).not.toHaveProperty('ownerId');
    expect(response.json.session).not.toHaveProperty('lease');
  });

  it('lets a member export, and answers 404 to anyone else', async () => {
    const byViewer = await exportOf(viewer.token);
    expect(byViewer.status).toBe(200);
    expect(byViewer.json.session.id).toBe(sessionId);
    expectError(await exportOf(stranger.token), 404, 'not_found');
    expectError(
      await exportOf(owner.token, '00000000-0000-4000-8000-000000000000'),
      404,
      'not_found',
    );
  });

  it("imports the export as a new session of the importer's, with the same answers and outcome", async () => {
    const exported = (await exportOf(owner.token)).json;
    const response = await importAs(importer.token, exported);
    expect(response.status, response.text).toBe(201);
    const session = sessionSchema.parse(response.json);
    expect(session.id).not.toBe(sessionId);
    const original = (
      await api.call('GET', `/api/v1/sessions/${sessionId}`, { token: owner.token })
    ).json;
    const { id: _a, ...imported } = response.json;
    const { id: _b, ...kept } = original;
    expect(imported).toEqual(kept);

    // The importer owns it: it is in their list, its transcript is the same, and the exporter
    // (who is not a member of the copy) cannot see it.
    const list = await api.call('GET', '/api/v1/sessions', { token: importer.token });
    expect(list.json.items.map((item: { id: string }) => item.id)).toEqual([session.id]);
    const answersOf = async (token: string, id: string) =>
      (await api.call('GET', `/api/v1/sessions/${id}/turns`, { token })).json.items.map(
        (turn: { question: string; answer: string; score: number }) => [
          turn.question,
          turn.answer,
          turn.score,
        ],
      );
    expect(await answersOf(importer.token, session.id)).toEqual(
      await answersOf(owner.token, sessionId),
    );
    expectError(
      await api.call('GET', `/api/v1/sessions/${session.id}`, { token: owner.token }),
      404,
      'not_found',
    );
    const charter = await api.call('GET', `/api/v1/sessions/${session.id}/charter?format=json`, {
      token: importer.token,
    });
    expect(charter.status).toBe(200);

    // Importing the same document again makes another session, not a conflict.
    const again = await importAs(importer.token, exported);
    expect(again.status).toBe(201);
    expect(again.json.id).not.toBe(session.id);
  });

  it('imports a session under way that its new owner can go on answering', async () => {
    const started = await api.call('POST', '/api/v1/sessions', {
      token: owner.token,
      body: { idea: 'Route support tickets' },
    });
    const exported = (await exportOf(owner.token, started.json.id)).json;
    const imported = await importAs(importer.token, exported);
    expect(imported.status, imported.text).toBe(201);
    expect(imported.json.status).toBe('active');
    const answered = await api.call('POST', `/api/v1/sessions/${imported.json.id}/answers`, {
      token: importer.token,
      body: { questionId: imported.json.pendingQuestion.id, answer: RICH_ANSWER },
    });
    expect(answered.status, answered.text).toBe(200);
    // The original is untouched by the copy's turn.
    const original = await api.call('GET', `/api/v1/sessions/${started.json.id}`, {
      token: owner.token,
    });
    expect(original.json.version).toBe(started.json.version);
  });

  it('refuses a document of an unknown version, naming the versions it reads', async () => {
    const exported = (await exportOf(owner.token)).json;
    const error = expectError(
      await importAs(importer.token, { ...exported, version: 2 }),
      400,
      'validation_failed',
      'version',
    );
    expect(error.message).toBe('Unknown session export version 2: this server reads version 1');
  });

  it('refuses what is not an export, and an invalid one with the paths at fault, storing nothing', async () => {
    const before = await api.call('GET', '/api/v1/sessions', { token: stranger.token });
    expectError(await importAs(stranger.token, { idea: 'x' }), 400, 'validation_failed', 'format');
    const exported = (await exportOf(owner.token)).json;
    exported.turns[0].score = 11;
    exported.session.stages = 'none';
    const error = expectError(
      await importAs(stranger.token, exported),
      400,
      'validation_failed',
      'turns.0.score',
    );
    expect(error.details?.map((detail) => detail.path)).toContain('session.stages');
    expectError(
      await api.call('POST', '/api/v1/sessions/import', {
        token: stranger.token,
        rawBody: '{"format": "uaip.session", ',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'validation_failed',
    );
    const after = await api.call('GET', '/api/v1/sessions', { token: stranger.token });
    expect(after.json).toEqual(before.json);
  });

  it('refuses text no database keeps and nesting past 64 levels, as 400 with the path', async () => {
    const text = JSON.stringify((await exportOf(owner.token)).json);
    for (const unstorable of ['\\u0000', '\\udfff']) {
      const error = expectError(
        await api.call('POST', '/api/v1/sessions/import', {
          token: stranger.token,
          rawBody: text.replace('"idea":"', `"idea":"${unstorable}`),
          headers: { 'content-type': 'application/json' },
        }),
        400,
        'validation_failed',
        'session.idea',
      );
      expect(error.message).toBe('The session export is not valid');
    }
    const deep = `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`;
    const error = expectError(
      await api.call('POST', '/api/v1/sessions/import', {
        token: stranger.token,
        rawBody: text.replace('"result":', `"result":${deep},"was":`),
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'validation_failed',
    );
    expect(error.details?.[0]?.message).toBe('Nested more than 64 levels deep');
  });

  it('answers 413 past 5 MB of JSON, and past 10 MB of request body unread', async () => {
    const exported = (await exportOf(owner.token)).json;
    // Under the request limit, but the document itself weighs over 5 MB.
    const heavy = { ...exported, padding: 'x'.repeat(5 * 1024 * 1024) };
    expectError(await importAs(importer.token, heavy), 413, 'payload_too_large');
    const huge = await api.call('POST', '/api/v1/sessions/import', {
      token: importer.token,
      rawBody: JSON.stringify({ ...exported, padding: 'x'.repeat(10 * 1024 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expectError(huge, 413, 'payload_too_large');
    // An export indented in an editor is read: whitespace is not the document's weight.
    const indented = await api.call('POST', '/api/v1/sessions/import', {
      token: importer.token,
      rawBody: JSON.stringify(exported, null, 2),
      headers: { 'content-type': 'application/json' },
    });
    expect(indented.status, indented.text).toBe(201);
  });

  it('needs a token', async () => {
    expectError(await api.call('GET', `/api/v1/sessions/${sessionId}/export`), 401, 'unauthorized');
    expectError(
      await api.call('POST', '/api/v1/sessions/import', { body: { format: 'uaip.session' } }),
      401,
      'unauthorized',
    );
  });
});

describe('the export file name', () => {
  it('is the title in lower case, non-alphanumerics as -', () => {
    expect(exportFileName('Reduce churn!')).toBe('reduce-churn-session.json');
    expect(exportFileName('  Q3 / 2027: plan  ')).toBe('q3-2027-plan-session.json');
    expect(exportFileName('???')).toBe('uaip-session.json');
  });

  it('keeps the letters of accented titles and drops their accents', () => {
    expect(exportFileName('Réduire les délais')).toBe('reduire-les-delais-session.json');
    expect(exportFileName('Über Façade Ångström Ñandú')).toBe(
      'uber-facade-angstrom-nandu-session.json',
    );
    // Compatibility forms fold too (a ligature, full-width digits); what has no ASCII form goes.
    expect(exportFileName('ﬁnance ２０２７ 数据')).toBe('finance-2027-session.json');
  });
});
