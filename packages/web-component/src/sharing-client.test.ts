import { afterEach, describe, expect, it } from 'vitest';
import { createFakeApi } from './fake-api.test-support';
import { createUaipClient, type SessionEvent, UaipApiError, type UaipClient } from './index';
import { cleanUp, until } from './test-helpers.test-support';

afterEach(cleanUp);

/** The status and code a call ends with: 200 for a success, else the error's. */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    if (!UaipApiError.isInstance(error)) throw error;
    return `${error.status} ${error.code}`;
  }
}

/** An owner with a session shared with a viewer and an editor, and a stranger. */
async function team() {
  const api = createFakeApi();
  const client = (token: string): UaipClient => createUaipClient({ token, fetch: api.fetch });
  const owner = client(api.signUp('ada@example.com'));
  const viewer = client(api.signUp('bob@example.com', 'pw', 'Bob'));
  const editor = client(api.signUp('cy@example.com', 'pw', 'Cy'));
  const stranger = client(api.signUp('eve@example.com', 'pw', 'Eve'));
  const session = await owner.createSession({ idea: 'Reduce churn' });
  await owner.share(session.id, { email: 'bob@example.com', role: 'viewer' });
  await owner.share(session.id, { email: 'cy@example.com', role: 'editor' });
  const ids = {
    viewer: (await viewer.me()).user.id,
    editor: (await editor.me()).user.id,
  };
  return { api, owner, viewer, editor, stranger, session, ids };
}

describe('the sharing routes of the client, against the fake', () => {
  it('shares by email (201, then 200 for a member already), lists, changes the role, removes', async () => {
    const api = createFakeApi();
    const owner = createUaipClient({ token: api.signUp(), fetch: api.fetch });
    api.signUp('bob@example.com', 'pw', 'Bob');
    const session = await owner.createSession({ idea: 'Reduce churn' });
    const { member } = await owner.share(session.id, { email: 'bob@example.com', role: 'viewer' });
    expect(member).toMatchObject({ email: 'bob@example.com', name: 'Bob', role: 'viewer' });
    const sent = api.calls.at(-1)!;
    expect([sent.method, sent.path, sent.body]).toEqual([
      'POST',
      `/sessions/${session.id}/members`,
      { email: 'bob@example.com', role: 'viewer' },
    ]);
    await owner.share(session.id, { userId: member.userId, role: 'editor' });
    const listed = await owner.members(session.id);
    expect(listed.ownerId).toBe((await owner.me()).user.id);
    expect(listed.members.map(({ email, role }) => [email, role])).toEqual([
      ['bob@example.com', 'editor'],
    ]);
    expect((await owner.changeRole(session.id, member.userId, 'viewer')).member.role).toBe(
      'viewer',
    );
    expect(api.calls.at(-1)!.method).toBe('PATCH');
    await owner.unshare(session.id, member.userId);
    expect((await owner.members(session.id)).members).toEqual([]);
    expect(await outcome(owner.unshare(session.id, member.userId))).toBe('404 not_found');
    expect(await outcome(owner.changeRole(session.id, member.userId, 'editor'))).toBe(
      '404 not_found',
    );
  });

  it('refuses an unknown email (404), an address that is none, or the owner themselves (400)', async () => {
    const api = createFakeApi();
    const owner = createUaipClient({ token: api.signUp(), fetch: api.fetch });
    const session = await owner.createSession({ idea: 'Reduce churn' });
    const share = (email: string) => outcome(owner.share(session.id, { email, role: 'viewer' }));
    expect(await share('nobody@example.com')).toBe('404 not_found');
    expect(await share('not an address')).toBe('400 validation_failed');
    expect(await share('ada@example.com')).toBe('400 validation_failed');
  });

  it('a viewer reads everything but cannot answer, revise, delete or share (403); an editor answers but cannot delete or share', async () => {
    const { viewer, editor, session, ids } = await team();
    const question = (await viewer.getSession(session.id)).pendingQuestion!;
    for (const read of [
      viewer.getSession(session.id),
      viewer.turns(session.id),
      viewer.history(session.id),
      viewer.members(session.id),
    ])
      expect(await outcome(read)).toBe('ok');
    const answer = { questionId: question.id, answer: 'A clear answer' };
    expect(await outcome(viewer.answer(session.id, answer))).toBe('403 forbidden');
    expect(await outcome(viewer.revise(session.id, 'turn-1', 'New'))).toBe('403 forbidden');
    expect(await outcome(viewer.deleteSession(session.id))).toBe('403 forbidden');
    const share = { email: 'eve@example.com', role: 'viewer' } as const;
    expect(await outcome(viewer.share(session.id, share))).toBe('403 forbidden');
    expect(await outcome(viewer.unshare(session.id, ids.editor))).toBe('403 forbidden');

    expect(await outcome(editor.answer(session.id, answer))).toBe('ok');
    const [turn] = (await editor.turns(session.id)).items;
    expect(await outcome(editor.revise(session.id, turn!.id, 'A better answer'))).toBe('ok');
    expect(await outcome(editor.deleteSession(session.id))).toBe('403 forbidden');
    expect(await outcome(editor.share(session.id, share))).toBe('403 forbidden');
    expect(await outcome(editor.changeRole(session.id, ids.viewer, 'editor'))).toBe(
      '403 forbidden',
    );
  });

  it('a stranger gets 404 everywhere, as if the session did not exist', async () => {
    const { stranger, session } = await team();
    for (const call of [
      stranger.getSession(session.id),
      stranger.turns(session.id),
      stranger.members(session.id),
      stranger.deleteSession(session.id),
      stranger.share(session.id, { email: 'eve@example.com', role: 'viewer' }),
      stranger.answer(session.id, { questionId: 'q', answer: 'x' }),
    ])
      expect(await outcome(call)).toBe('404 not_found');
  });

  it('a member leaves (204), after which the session is 404 for them; /shared-sessions lists with role and owner id', async () => {
    const { owner, viewer, editor, session, ids } = await team();
    const page = await editor.sharedSessions();
    expect(page.items).toEqual([
      expect.objectContaining({
        id: session.id,
        ownerId: (await owner.me()).user.id,
        role: 'editor',
        title: 'Reduce churn',
      }),
    ]);
    expect((await owner.sharedSessions()).items).toEqual([]);
    await viewer.unshare(session.id, ids.viewer);
    expect(await outcome(viewer.getSession(session.id))).toBe('404 not_found');
    expect((await viewer.sharedSessions()).items).toEqual([]);
  });

  it('announces every change of access as sharing.changed on the event stream', async () => {
    const { api, owner, session, ids } = await team();
    const seen: SessionEvent[] = [];
    const abort = new AbortController();
    void owner.events(session.id, (event) => seen.push(event), { signal: abort.signal });
    await until(() => expect(api.openStreams(session.id)).toBe(1));
    await owner.changeRole(session.id, ids.viewer, 'editor');
    await owner.unshare(session.id, ids.editor);
    await until(() => expect(seen).toHaveLength(2));
    expect(
      seen.map((event) => event.type === 'sharing.changed' && [event.userId, event.role]),
    ).toEqual([
      [ids.viewer, 'editor'],
      [ids.editor, null],
    ]);
    abort.abort();
  });
});
