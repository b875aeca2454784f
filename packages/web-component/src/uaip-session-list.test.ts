import { afterEach, describe, expect, it } from 'vitest';
import { createFakeApi } from './fake-api.test-support';
import type { SessionDetail, SessionSelectedDetail } from './index';
import {
  byName,
  cleanUp,
  collect,
  deepQueryAll,
  mount,
  paths,
  type,
  until,
  untilText,
} from './test-helpers.test-support';

afterEach(cleanUp);

function setUp() {
  const api = createFakeApi();
  const token = api.signUp();
  return { api, token };
}

describe('<uaip-session-list>', () => {
  it('empty: says so and offers the Business idea form', async () => {
    const { api, token } = setUp();
    const element = mount('uaip-session-list', { fetch: api.fetch, token });
    await untilText(element, 'No sessions yet');
    const root = element.shadowRoot!;
    expect(byName(root, 'Business idea').tagName).toBe('TEXTAREA');
    expect(byName(root, 'Start session').tagName).toBe('BUTTON');
  });

  it('with items: newest first, each a button named by its title, picking one fires uaip-session-selected', async () => {
    const { api, token } = setUp();
    const older = api.createSession(token, 'Forecast demand for spare parts');
    api.createSession(token, 'Reduce churn');
    const selected = collect<SessionSelectedDetail>('uaip-session-selected');
    const element = mount('uaip-session-list', { fetch: api.fetch, token });
    await until(() => expect(deepQueryAll(element.shadowRoot!, '.sessions li')).toHaveLength(2));
    const titles = deepQueryAll(element.shadowRoot!, '.sessions [part~="item-button"]').map((b) =>
      b.textContent!.trim(),
    );
    expect(titles).toEqual(['Reduce churn', 'Forecast demand for spare parts']);
    byName(element.shadowRoot!, 'Forecast demand for spare parts').click();
    expect(selected).toEqual([{ sessionId: older.id }]);
  });

  it('says where each session stands: its stage while active, its decision once completed', async () => {
    const { api, token } = setUp();
    const done = api.createSession(token, 'Score leads');
    for (let stage = 0; stage < 5; stage++)
      await api.advance(done.id, stage === 1 ? 'fails gate' : 'clear');
    const going = api.createSession(token, 'Reduce churn');
    await api.advance(going.id, 'A clear answer');
    const element = mount('uaip-session-list', { fetch: api.fetch, token });
    await until(() =>
      expect(
        deepQueryAll(element.shadowRoot!, '.sessions [id^="meta-"]').map((meta) =>
          meta
            .textContent!.replace(/\s+/g, ' ')
            .trim()
            .replace(/ · [^·]+$/, ''),
        ),
      ).toEqual([
        'in progress · stage 2 of 5: Value Quantification',
        'completed · decision: Revise',
      ]),
    );
  });

  it('deletes a session only after a confirmation, and keeps it when told to', async () => {
    const { api, token } = setUp();
    const doomed = api.createSession(token, 'Old experiment');
    api.createSession(token, 'Reduce churn');
    const element = mount('uaip-session-list', { fetch: api.fetch, token });
    const root = element.shadowRoot!;
    const items = () => deepQueryAll(root, '.sessions > li');
    await until(() => expect(items()).toHaveLength(2));

    byName(root, 'Delete "Old experiment"').click();
    await untilText(element, 'Delete "Old experiment" and its answers for good?');
    expect(api.calls.some((call) => call.method === 'DELETE')).toBe(false);
    byName(root, 'Keep it').click();
    await element.updateComplete;
    expect(deepQueryAll(root, '[part~=confirm]')).toEqual([]);
    expect(items()).toHaveLength(2);

    byName(root, 'Delete "Old experiment"').click();
    await until(() => byName(root, 'Delete for good')).then((button) => button.click());
    await until(() => expect(items()).toHaveLength(1));
    expect(paths(api)).toContain(`DELETE /sessions/${doomed.id}`);
    expect(api.sessions.has(doomed.id)).toBe(false);
    expect(items()[0]!.textContent).toContain('Reduce churn');
  });

  it('pages with "Show older sessions"', async () => {
    const { api, token } = setUp();
    for (let index = 1; index <= 21; index++) api.createSession(token, `Idea number ${index}`);
    const element = mount('uaip-session-list', { fetch: api.fetch, token });
    const items = () => deepQueryAll(element.shadowRoot!, '.sessions li');
    await until(() => expect(items()).toHaveLength(20));
    byName(element.shadowRoot!, 'Show older sessions').click();
    await until(() => expect(items()).toHaveLength(21));
    expect(items().at(-1)!.textContent).toContain('Idea number 1');
  });

  it('starts a session from the idea and fires uaip-session-started with it', async () => {
    const { api, token } = setUp();
    const started = collect<SessionDetail>('uaip-session-started');
    const element = mount('uaip-session-list', { fetch: api.fetch, token });
    await untilText(element, 'No sessions yet');
    const root = element.shadowRoot!;
    type(byName<HTMLTextAreaElement>(root, 'Business idea'), 'Predict which customers will churn');
    byName(root, 'Start session').click();
    await until(() => expect(started).toHaveLength(1));
    expect(started[0]!.session).toMatchObject({
      idea: 'Predict which customers will churn',
      status: 'active',
    });
    expect(started[0]!.session.pendingQuestion).not.toBeNull();
    expect(byName<HTMLTextAreaElement>(root, 'Business idea').value).toBe('');
  });

  it('keeps the idea being typed when starting fails, also across a remount', async () => {
    const { api, token } = setUp();
    api.failNext('POST /sessions', { status: 503, code: 'llm_unavailable', retryAfter: 5 });
    const element = mount('uaip-session-list', { fetch: api.fetch, token });
    await untilText(element, 'No sessions yet');
    type(byName<HTMLTextAreaElement>(element.shadowRoot!, 'Business idea'), 'Route tickets');
    byName(element.shadowRoot!, 'Start session').click();
    await untilText(element, 'No language model could answer right now');
    element.remove();
    const again = mount('uaip-session-list', { fetch: api.fetch, token });
    await again.updateComplete;
    expect(byName<HTMLTextAreaElement>(again.shadowRoot!, 'Business idea').value).toBe(
      'Route tickets',
    );
  });
});
