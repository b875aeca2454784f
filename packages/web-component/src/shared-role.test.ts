import { afterEach, describe, expect, it } from 'vitest';
import { createFakeApi } from './fake-api.test-support';
import type { ErrorDetail, SessionSelectedDetail } from './index';
import {
  byName,
  cleanUp,
  collect,
  deepQuery,
  deepQueryAll,
  deepText,
  hasControl,
  mount,
  openSession,
  paths,
  type,
  until,
  untilText,
} from './test-helpers.test-support';

afterEach(cleanUp);

/**
 * Ada's session, one answer in, shared with Bob as `role`, open in `<uaip-session>` as Bob
 * sees it (or in `<uaip-app>`).
 */
async function asMember(role: 'viewer' | 'editor', options: { answers?: number } = {}) {
  const api = createFakeApi();
  const owner = api.signUp();
  const token = api.signUp('bob@example.com', 'pw', 'Bob');
  const { id } = api.createSession(owner, 'Reduce churn');
  for (let answer = 0; answer < (options.answers ?? 1); answer++)
    await api.advance(id, `A clear answer ${answer + 1}`);
  api.share(id, 'bob@example.com', role);
  const { element, root } = await openSession(api, token, id);
  await element.updateComplete;
  return { api, token, element, root, sessionId: id };
}

const unfold = async (root: ShadowRoot) => {
  const summary = await until(() => deepQuery(root, '[part~=answers] summary'));
  summary.click();
  return summary.textContent!.trim();
};
const editButtons = (root: ShadowRoot) => deepQueryAll(root, 'button[part~=edit-button]');

describe('a session shared with the person', () => {
  it('as a viewer: says so, shows the question without an answer box, the answers without Edit, and no Share', async () => {
    const { root } = await asMember('viewer');
    const note = deepText(deepQuery(root, '[part~=shared-note]'));
    expect(note).toContain(
      'Shared with you as a viewer: you can read it, its answers and its charter, but not answer or edit.',
    );
    expect(deepText(deepQuery(root, '[part~=waiting]'))).toBe(
      'Waiting for its owner or an editor to answer: Tell me about Value Quantification.',
    );
    expect(hasControl(root, 'Your answer')).toBe(false);
    expect(hasControl(root, 'Submit answer')).toBe(false);
    expect(deepQueryAll(root, 'uaip-question')).toHaveLength(0);
    expect(hasControl(root, 'Share')).toBe(false);
    expect(hasControl(root, 'Leave')).toBe(true);
    expect(await unfold(root)).toBe('Review the 1 answer');
    expect(deepText(root)).toContain('The answers');
    expect(deepText(root)).toContain('A clear answer 1');
    expect(editButtons(root)).toHaveLength(0);
  });

  it('as an editor: the answer box and Edit, no Share; an answer is recorded', async () => {
    const { api, root, sessionId } = await asMember('editor');
    expect(deepText(deepQuery(root, '[part~=shared-note]'))).toContain(
      'Shared with you as an editor: you can answer and edit answers; only its owner shares or deletes it.',
    );
    expect(hasControl(root, 'Share')).toBe(false);
    expect(await unfold(root)).toBe('Review or edit the 1 answer');
    expect(editButtons(root)).toHaveLength(1);
    type(byName<HTMLTextAreaElement>(root, 'Your answer'), 'Churn falls from 8% to 5%.');
    byName(root, 'Submit answer').click();
    await untilText(root.host, 'Tell me about Data Feasibility.');
    expect(paths(api)).toContain(`POST /sessions/${sessionId}/answers`);
  });

  it('the owner sees neither the note nor Leave', async () => {
    const api = createFakeApi();
    const token = api.signUp();
    api.signUp('bob@example.com', 'pw', 'Bob');
    const { id } = api.createSession(token, 'Reduce churn');
    api.share(id, 'bob@example.com', 'viewer');
    const element = mount('uaip-session', { fetch: api.fetch, token, sessionId: id });
    await untilText(element, 'Shared with 1 person.');
    expect(hasControl(element.shadowRoot!, 'Leave')).toBe(false);
    expect(deepQueryAll(element.shadowRoot!, '[part~=shared-note]')).toHaveLength(0);
    expect(hasControl(element.shadowRoot!, 'Your answer')).toBe(true);
  });

  it('Leave asks first, then ends the access, says so and fires uaip-session-left', async () => {
    const { api, root, sessionId } = await asMember('viewer');
    const left = collect<SessionSelectedDetail>('uaip-session-left');
    byName(root, 'Leave').click();
    await untilText(
      root.host,
      'Leave "Reduce churn"? It leaves your list until its owner shares it again.',
    );
    byName(root, 'Stay').click();
    await until(() => expect(hasControl(root, 'Leave for good')).toBe(false));
    expect(paths(api).some((path) => path.startsWith('DELETE'))).toBe(false);
    byName(root, 'Leave').click();
    await until(() => byName(root, 'Leave for good')).then((button) => button.click());
    await untilText(root.host, 'You left "Reduce churn". Its owner can share it with you again.');
    expect(left).toEqual([{ sessionId }]);
    const removed = paths(api).filter((path) => path.startsWith('DELETE'));
    expect(removed).toHaveLength(1);
    expect(removed[0]).toMatch(new RegExp(`^DELETE /sessions/${sessionId}/members/user-\\d+$`));
  });

  it('follows a role changed live: made an editor, the answer box appears; removed, it says so', async () => {
    const { api, root, sessionId } = await asMember('viewer');
    await until(() => expect(api.openStreams(sessionId)).toBe(1));
    api.share(sessionId, 'bob@example.com', 'editor');
    await until(() => expect(hasControl(root, 'Your answer')).toBe(true));
    expect(deepText(root)).toContain('Shared with you as an editor');
    api.share(sessionId, 'bob@example.com', null);
    await untilText(root.host, 'Its owner stopped sharing "Reduce churn" with you.');
    expect(hasControl(root, 'Your answer')).toBe(false);
  });

  it('a 403 on an answer (made a viewer meanwhile, unannounced): says so, reads the role again, keeps the typed answer', async () => {
    const { api, root, sessionId, element } = await asMember('editor');
    const errors = collect<ErrorDetail>('uaip-error');
    const questionId = element.session!.pendingQuestion!.id;
    api.share(sessionId, 'bob@example.com', 'viewer', true);
    type(byName<HTMLTextAreaElement>(root, 'Your answer'), 'Typed as an editor');
    byName(root, 'Submit answer').click();
    await untilText(
      root.host,
      'Not recorded: This session is shared with you to read: only its owner and editors can change it. Your access changed meanwhile: you are now a viewer, so you can read it, its answers and its charter, but not answer or edit.',
    );
    expect(deepQuery(root, '[role=alert]').textContent).toContain('Not recorded');
    expect(hasControl(root, 'Your answer')).toBe(false);
    expect(hasControl(root, 'Try again')).toBe(false);
    expect(errors.map((error) => [error.status, error.code])).toEqual([[403, 'forbidden']]);
    expect(sessionStorage.getItem(`uaip:draft:${questionId}`)).toBe('Typed as an editor');
  });

  it('a 403 on a revision closes the editor, says so, and takes Edit away', async () => {
    const { api, root, sessionId } = await asMember('editor');
    await unfold(root);
    byName(root, 'Edit answer 1 of Business Translation').click();
    const box = await until(() => byName<HTMLTextAreaElement>(root, 'New answer'));
    type(box, 'A revised answer');
    api.share(sessionId, 'bob@example.com', 'viewer', true);
    byName(root, 'Save new answer').click();
    await untilText(root.host, 'Your access changed meanwhile: you are now a viewer');
    expect(hasControl(root, 'New answer')).toBe(false);
    expect(editButtons(root)).toHaveLength(0);
  });

  it('in <uaip-app>: Leave returns to the list, where the session is no longer shared', async () => {
    const api = createFakeApi();
    const owner = api.signUp();
    const token = api.signUp('bob@example.com', 'pw', 'Bob');
    const { id } = api.createSession(owner, 'Reduce churn');
    api.share(id, 'bob@example.com', 'viewer');
    sessionStorage.setItem('uaip:token', token);
    location.hash = `#session=${id}`;
    const app = mount('uaip-app', { fetch: api.fetch });
    const root = app.shadowRoot!;
    await until(() => byName(root, 'Leave')).then((button) => button.click());
    await until(() => byName(root, 'Leave for good')).then((button) => button.click());
    await untilText(app, 'Shared with me');
    await untilText(app, 'Nothing yet: sessions other people share with you show here.');
    expect(location.hash).toBe('');
  });
});
