import { afterEach, describe, expect, it } from 'vitest';
import { createFakeApi } from './fake-api.test-support';
import type { SessionSelectedDetail } from './index';
import {
  byName,
  cleanUp,
  collect,
  deepQueryAll,
  deepText,
  mount,
  until,
  untilText,
} from './test-helpers.test-support';

afterEach(cleanUp);

/** Bob's list: his own session, and two of Ada's shared with him. */
async function bobsList() {
  const api = createFakeApi();
  const ada = api.signUp();
  const bob = api.signUp('bob@example.com', 'pw', 'Bob');
  api.createSession(bob, 'Bob’s own idea');
  const first = api.createSession(ada, 'Forecast demand for spare parts');
  for (let stage = 0; stage < 5; stage++) await api.advance(first.id, 'A clear answer');
  const second = api.createSession(ada, 'Reduce churn');
  await api.advance(second.id, 'A clear answer');
  api.createSession(ada, 'Not shared');
  api.share(first.id, 'bob@example.com', 'viewer');
  api.share(second.id, 'bob@example.com', 'editor');
  const element = mount('uaip-session-list', { fetch: api.fetch, token: bob });
  await untilText(element, 'Shared with me');
  return { api, ada, bob, element, root: element.shadowRoot!, first, second };
}

const rows = (root: ShadowRoot) =>
  deepQueryAll(root, '.shared li').map((row) =>
    row
      .textContent!.replace(/\s+/g, ' ')
      .replace(/ · [^·]+$/, '')
      .trim(),
  );

describe('"Shared with me" in <uaip-session-list>', () => {
  it('lists what others shared, newest first, with the role and where each stands; own sessions stay apart', async () => {
    const { root } = await bobsList();
    await until(() => expect(rows(root)).toHaveLength(2));
    expect(rows(root)).toEqual([
      'Reduce churn editor · in progress · stage 2 of 5: Value Quantification',
      'Forecast demand for spare parts viewer · completed · decision: Proceed',
    ]);
    expect(deepQueryAll(root, '.sessions li')).toHaveLength(1);
    // Shared rows cannot be deleted from here: only their owner deletes.
    expect(deepQueryAll(root, '.shared [part~=delete-button]')).toHaveLength(0);
  });

  it('picking a shared session fires uaip-session-selected', async () => {
    const { root, second } = await bobsList();
    const selected = collect<SessionSelectedDetail>('uaip-session-selected');
    await until(() => byName(root, 'Reduce churn')).then((button) => button.click());
    expect(selected).toEqual([{ sessionId: second.id }]);
  });

  it('says when nothing is shared, pages with "Show more shared sessions", and is absent on a server without sharing', async () => {
    const api = createFakeApi();
    const ada = api.signUp();
    const bob = api.signUp('bob@example.com', 'pw', 'Bob');
    const element = mount('uaip-session-list', { fetch: api.fetch, token: bob });
    await untilText(element, 'Nothing yet: sessions other people share with you show here.');

    for (let index = 0; index < 22; index++) {
      const { id } = api.createSession(ada, `Idea ${index + 1}`);
      api.share(id, 'bob@example.com', 'viewer');
    }
    await element.reload();
    const root = element.shadowRoot!;
    await until(() => expect(deepQueryAll(root, '.shared li')).toHaveLength(20));
    byName(root, 'Show more shared sessions').click();
    await until(() => expect(deepQueryAll(root, '.shared li')).toHaveLength(22));
    expect(() => byName(root, 'Show more shared sessions')).toThrow();

    api.failNext('GET /shared-sessions', { status: 404, code: 'not_found' });
    const old = mount('uaip-session-list', { fetch: api.fetch, token: bob });
    await untilText(old, 'No sessions yet');
    await until(() =>
      expect(api.calls.filter((call) => call.path === '/shared-sessions')).toHaveLength(4),
    );
    expect(deepText(old)).not.toContain('Shared with me');
  });

  it('another failure is said in the section', async () => {
    const api = createFakeApi();
    const bob = api.signUp('bob@example.com', 'pw', 'Bob');
    api.failNext('GET /shared-sessions', { status: 503, code: 'storage_unavailable' });
    const element = mount('uaip-session-list', { fetch: api.fetch, token: bob });
    await untilText(element, 'Shared with me');
    await untilText(element, 'The server is briefly unavailable');
  });
});
