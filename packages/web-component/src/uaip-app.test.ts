import { afterEach, describe, expect, it } from 'vitest';
import { createFakeApi } from './fake-api.test-support';
import type {
  SessionDetail,
  SignedInDetail,
  StageCompletedDetail,
  UaipApp,
  UaipQuestion,
} from './index';
import {
  byName,
  cleanUp,
  collect,
  deepQuery,
  deepQueryAll,
  deepText,
  hasControl,
  mount,
  paths,
  type,
  until,
  untilText,
} from './test-helpers.test-support';

afterEach(cleanUp);

const question = (app: UaipApp) => deepQuery<UaipQuestion>(app.shadowRoot!, 'uaip-question');

async function answer(app: UaipApp, text: string) {
  await question(app).updateComplete;
  type(byName<HTMLTextAreaElement>(app.shadowRoot!, 'Your answer'), text);
  byName(app.shadowRoot!, 'Submit answer').click();
}

async function signIn(app: UaipApp, email = 'ada@example.com', password = 'correct horse') {
  const root = app.shadowRoot!;
  await until(() => byName(root, 'Email'));
  type(byName<HTMLInputElement>(root, 'Email'), email);
  type(byName<HTMLInputElement>(root, 'Password'), password);
  byName(root, 'Sign in').click();
}

describe('<uaip-app>', () => {
  it('signs in, starts a session, answers to the end, with the events a host needs', async () => {
    const api = createFakeApi({
      stages: [
        ['first', 'First'],
        ['second', 'Second'],
      ],
    });
    api.signUp();
    const signedIn = collect<SignedInDetail>('uaip-signed-in');
    const started = collect<SessionDetail>('uaip-session-started');
    const stages = collect<StageCompletedDetail>('uaip-stage-completed');
    const completed = collect<SessionDetail>('uaip-session-completed');
    const app = mount('uaip-app', { fetch: api.fetch });
    const root = app.shadowRoot!;
    await signIn(app);
    await until(() => expect(hasControl(root, 'Business idea')).toBe(true));
    expect(signedIn[0]!.user.email).toBe('ada@example.com');
    expect(sessionStorage.getItem('uaip:token')).toBe(signedIn[0]!.token);

    type(byName<HTMLTextAreaElement>(root, 'Business idea'), 'Reduce churn');
    byName(root, 'Start session').click();
    await untilText(app, 'Tell me about First.');
    expect(started).toHaveLength(1);
    expect(location.hash).toBe(`#session=${started[0]!.session.id}`);
    // The session the list created is shown as is: no second request for it.
    expect(paths(api)).not.toContain(`GET /sessions/${started[0]!.session.id}`);

    await answer(app, 'A clear answer');
    await untilText(app, 'Tell me about Second.');
    await answer(app, 'Another clear answer');
    await untilText(app, 'Session completed');
    expect(stages).toEqual([{ stageId: 'first' }, { stageId: 'second' }]);
    expect(completed[0]!.session.id).toBe(started[0]!.session.id);
    await until(() => expect(hasControl(root, 'Download Markdown')).toBe(true));
  });

  it('restores the token from sessionStorage and the session from the hash after a reload', async () => {
    const api = createFakeApi();
    const token = api.signUp();
    const session = api.createSession(token, 'Reduce churn');
    await api.advance(session.id);
    sessionStorage.setItem('uaip:token', token);
    location.hash = `#session=${session.id}`;
    const app = mount('uaip-app', { fetch: api.fetch });
    await untilText(app, 'Tell me about Value Quantification.');
    await untilText(app, 'ada@example.com');
    expect(hasControl(app.shadowRoot!, 'Sign in')).toBe(false);
    expect(paths(api)).toContain(`GET /sessions/${session.id}`);
  });

  it('a 401 mid-session goes back to sign-in, then continues the same question with the typed answer', async () => {
    const api = createFakeApi();
    const token = api.signUp();
    const session = api.createSession(token, 'Reduce churn');
    sessionStorage.setItem('uaip:token', token);
    location.hash = `#session=${session.id}`;
    const app = mount('uaip-app', { fetch: api.fetch });
    await untilText(app, 'Tell me about Business Translation.');
    api.expire(token);
    await answer(app, 'Written before the token expired');
    await until(() => expect(hasControl(app.shadowRoot!, 'Sign in')).toBe(true));
    expect(deepText(app)).toContain('Your sign-in has expired');
    expect(sessionStorage.getItem('uaip:token')).toBeNull();
    expect(location.hash).toBe(`#session=${session.id}`);

    await signIn(app);
    await untilText(app, 'Tell me about Business Translation.');
    await until(() =>
      expect(byName<HTMLTextAreaElement>(app.shadowRoot!, 'Your answer').value).toBe(
        'Written before the token expired',
      ),
    );
  });

  it('shows a visible demo badge when /health reports a demo provider, and none otherwise', async () => {
    const demo = mount('uaip-app', { fetch: createFakeApi({ demo: true }).fetch });
    await until(() =>
      expect(deepQuery(demo.shadowRoot!, '[part~=badge]').textContent).toBe('demo'),
    );
    cleanUp();
    const api = createFakeApi();
    const real = mount('uaip-app', { fetch: api.fetch });
    await until(() => expect(paths(api)).toContain('GET /health'));
    await real.updateComplete;
    expect(deepQueryAll(real.shadowRoot!, '[part~=badge]')).toEqual([]);
  });

  it('shows a banner with what to do while /health is degraded, and drops it once healthy', async () => {
    const api = createFakeApi();
    api.setHealth({
      status: 'degraded',
      checks: {
        storage: { ok: true },
        llm: [{ provider: 'ollama', ok: false, detail: 'Ollama has no model llama3.2' }],
      },
      hint: 'To configure a model: set ANTHROPIC_API_KEY for Claude, run Ollama, or set LLM_PROVIDERS=demo to try it offline.',
    });
    const app = mount('uaip-app', { fetch: api.fetch, healthInterval: 0 });
    const banner = () => deepQueryAll(app.shadowRoot!, '[part~=health-banner]');
    await until(() => expect(banner()).toHaveLength(1));
    expect(banner()[0]!.getAttribute('role')).toBe('alert');
    expect(deepText(banner()[0]!)).toBe(
      'No language model is reachable: answers cannot be scored right now. To configure a model: set ANTHROPIC_API_KEY for Claude, run Ollama, or set LLM_PROVIDERS=demo to try it offline. ollama: Ollama has no model llama3.2',
    );
    api.setHealth({
      status: 'ok',
      checks: { storage: { ok: true }, llm: [{ provider: 'ollama', ok: true }] },
    });
    await app.refreshHealth();
    await app.updateComplete;
    expect(banner()).toEqual([]);
  });

  it("shows the server's instructions when no model could score an answer", async () => {
    const api = createFakeApi();
    const token = api.signUp();
    api.createSession(token, 'Forecast demand');
    const app = mount('uaip-app', { fetch: api.fetch, token });
    await until(() => byName(app.shadowRoot!, 'Forecast demand')).then((button) => button.click());
    await untilText(app, 'Tell me about Business Translation.');
    api.failNext('POST /sessions/:id/answers', {
      status: 503,
      code: 'llm_unavailable',
      message:
        'No language model could answer; the answer was not used and can be sent again. To configure a model: set ANTHROPIC_API_KEY for Claude, or set LLM_PROVIDERS=demo to try it offline.',
    });
    await answer(app, 'Churn falls from 8% to 5% by 2027.');
    await untilText(
      app,
      'No language model could answer right now; what you typed is kept. To configure a model: set ANTHROPIC_API_KEY for Claude, or set LLM_PROVIDERS=demo to try it offline.',
    );
  });

  it('the list opens a session into the hash; "All sessions" goes back', async () => {
    const api = createFakeApi();
    const token = api.signUp();
    const session = api.createSession(token, 'Forecast demand');
    const app = mount('uaip-app', { fetch: api.fetch, token });
    const root = app.shadowRoot!;
    await until(() => byName(root, 'Forecast demand')).then((button) => button.click());
    await untilText(app, 'Tell me about Business Translation.');
    expect(location.hash).toBe(`#session=${session.id}`);
    byName(root, '← All sessions').click();
    await until(() => expect(hasControl(root, 'Start session')).toBe(true));
    expect(location.hash).toBe('');
  });

  it('signing out forgets the token and the drafts and shows the sign-in', async () => {
    const api = createFakeApi();
    const token = api.signUp();
    const session = api.createSession(token, 'Reduce churn');
    sessionStorage.setItem('uaip:token', token);
    location.hash = `#session=${session.id}`;
    const app = mount('uaip-app', { fetch: api.fetch });
    await untilText(app, 'Tell me about Business Translation.');
    await question(app).updateComplete;
    type(byName<HTMLTextAreaElement>(app.shadowRoot!, 'Your answer'), 'Private thoughts');
    byName(app.shadowRoot!, 'Sign out').click();
    await until(() => expect(hasControl(app.shadowRoot!, 'Sign in')).toBe(true));
    expect(sessionStorage.length).toBe(0);
    expect(location.hash).toBe('');
  });

  it('signing out everywhere revokes every token on the server first', async () => {
    const api = createFakeApi();
    const token = api.signUp();
    sessionStorage.setItem('uaip:token', token);
    const app = mount('uaip-app', { fetch: api.fetch });
    await until(() => expect(hasControl(app.shadowRoot!, 'Sign out everywhere')).toBe(true));

    api.failNext('POST /auth/logout-all', {
      status: 503,
      code: 'storage_unavailable',
      message: 'Down',
    });
    byName(app.shadowRoot!, 'Sign out everywhere').click();
    await untilText(app, 'Could not sign out everywhere');
    expect(hasControl(app.shadowRoot!, 'Sign out everywhere')).toBe(true);
    expect(sessionStorage.getItem('uaip:token')).toBe(token);

    byName(app.shadowRoot!, 'Sign out everywhere').click();
    await untilText(app, 'You are signed out on every device.');
    expect(hasControl(app.shadowRoot!, 'Sign in')).toBe(true);
    expect(sessionStorage.getItem('uaip:token')).toBeNull();
    const me = await api.fetch('/api/v1/auth/me', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.status).toBe(401);
  });

  it('no-persist keeps neither the token nor the session in the page', async () => {
    const api = createFakeApi();
    api.signUp();
    const app = document.createElement('uaip-app');
    app.setAttribute('no-persist', '');
    app.fetch = api.fetch;
    document.body.append(app);
    await signIn(app);
    await until(() => expect(hasControl(app.shadowRoot!, 'Business idea')).toBe(true));
    type(byName<HTMLTextAreaElement>(app.shadowRoot!, 'Business idea'), 'Reduce churn');
    byName(app.shadowRoot!, 'Start session').click();
    await untilText(app, 'Tell me about Business Translation.');
    expect(sessionStorage.getItem('uaip:token')).toBeNull();
    expect(location.hash).toBe('');
  });
});
