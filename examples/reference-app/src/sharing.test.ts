import { describe, expect } from 'vitest';
import { account, followEvents } from './app-process.test-support';
import { onEveryStorage, type RunningApp } from './on-every-storage.test-support';
import { ANSWERS } from './scoping-answers.test-support';

// Sharing a session end to end (issue 23): the reference app as `npm start` runs it, on
// embedded storage and on PostgreSQL when there is one, with the real Claude client against a
// fake Claude that answers like the demo provider. The owner shares a session by email as an
// editor, the editor answers, the owner makes them a viewer (their next answer is 403), then
// removes them (the session is 404 for them again).

const OBJECTIVE = ANSWERS.objective!;
const WHY_ML = ANSWERS['why-ml']!;

async function shareEditViewRemove({ app }: RunningApp) {
  const owner = await account(app, 'owner');
  const colleague = await account(app, 'colleague');
  const created = await app.call('POST', '/api/v1/sessions', {
    token: owner.token,
    body: { idea: 'Predict which prepaid mobile customers will churn next month' },
  });
  expect(created.status).toBe(201);
  const sessionId = created.json.id as string;
  const path = (suffix = '') => `/api/v1/sessions/${sessionId}${suffix}`;
  const removed = followEvents(
    app,
    owner.token,
    sessionId,
    (event) => event.type === 'sharing.changed' && event.role === null,
  );

  // Before it is shared, the colleague learns nothing of it.
  expect((await app.call('GET', path(), { token: colleague.token })).status).toBe(404);

  // Shared by email, as an editor.
  const shared = await app.call('POST', path('/members'), {
    token: owner.token,
    body: { email: colleague.email.toUpperCase(), role: 'editor' },
  });
  expect(shared.status, shared.text).toBe(201);
  expect(shared.json.member).toMatchObject({
    userId: colleague.id,
    email: colleague.email,
    role: 'editor',
    addedBy: owner.id,
  });
  const listed = await app.call('GET', '/api/v1/shared-sessions', { token: colleague.token });
  expect(listed.json.items).toEqual([
    expect.objectContaining({ id: sessionId, ownerId: owner.id, role: 'editor' }),
  ]);
  expect(
    (await app.call('GET', '/api/v1/sessions', { token: colleague.token })).json.items,
  ).toEqual([]);

  // The editor answers the pending question.
  const session = (await app.call('GET', path(), { token: colleague.token })).json;
  const answered = await app.call('POST', path('/answers'), {
    token: colleague.token,
    body: { questionId: session.pendingQuestion.id, answer: OBJECTIVE },
  });
  expect(answered.status, answered.text).toBe(200);
  expect(answered.json.session.version).toBe(session.version + 1);
  const turns = (await app.call('GET', path('/turns'), { token: owner.token })).json.items;
  expect(turns.map((turn: { answer: string }) => turn.answer)).toEqual([OBJECTIVE]);

  // Made a viewer: reads still, answers no more.
  const changed = await app.call('PATCH', path(`/members/${colleague.id}`), {
    token: owner.token,
    body: { role: 'viewer' },
  });
  expect(changed.status, changed.text).toBe(200);
  expect(changed.json.member).toMatchObject({ userId: colleague.id, role: 'viewer' });
  const pending = answered.json.session.pendingQuestion;
  const refused = await app.call('POST', path('/answers'), {
    token: colleague.token,
    body: { questionId: pending.id, answer: WHY_ML },
  });
  expect(refused.status, refused.text).toBe(403);
  expect(refused.json.error.code).toBe('forbidden');
  const read = await app.call('GET', path(), { token: colleague.token });
  expect(read.status).toBe(200);
  expect(read.json).toMatchObject({
    version: answered.json.session.version,
    pendingQuestion: { id: pending.id },
  });
  const members = await app.call('GET', path('/members'), { token: colleague.token });
  expect(members.json).toEqual({
    ownerId: owner.id,
    owner: { email: owner.email, name: null },
    members: [changed.json.member],
  });
  // Only the owner deletes.
  expect((await app.call('DELETE', path(), { token: colleague.token })).status).toBe(403);

  // Removed: the session is 404 for them again, and no longer listed.
  const gone = await app.call('DELETE', path(`/members/${colleague.id}`), { token: owner.token });
  expect(gone.status).toBe(204);
  for (const suffix of ['', '/turns', '/members', '/events']) {
    const response = await app.call('GET', path(suffix), { token: colleague.token });
    expect(response.status, suffix).toBe(404);
    expect(response.json.error.code).toBe('not_found');
  }
  expect(
    (await app.call('GET', '/api/v1/shared-sessions', { token: colleague.token })).json.items,
  ).toEqual([]);

  // The owner's stream told of each change.
  const events = await removed;
  expect(
    events
      .filter((event) => event.type === 'sharing.changed')
      .map(({ userId, role }) => ({ userId, role })),
  ).toEqual([
    { userId: colleague.id, role: 'editor' },
    { userId: colleague.id, role: 'viewer' },
    { userId: colleague.id, role: null },
  ]);
  // And the owner's session is as the editor left it.
  const mine = (await app.call('GET', path(), { token: owner.token })).json;
  expect(mine.version).toBe(answered.json.session.version);
}

describe('sharing a session over HTTP: editor, viewer, removed', () => {
  onEveryStorage(
    'shares by email as editor, the editor answers, as viewer is 403, removed is 404',
    shareEditViewRemove,
  );
});
