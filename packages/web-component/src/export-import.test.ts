import { afterEach, describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import { titleFileName } from './download';
import { createFakeApi, type FakeApi } from './fake-api.test-support';
import type { ErrorDetail, SessionSelectedDetail } from './index';
import {
  accessibleName,
  adaSession,
  byName,
  cleanUp,
  collect,
  deepQueryAll,
  focused,
  mount,
  openSession,
  paths,
  until,
  untilText,
} from './test-helpers.test-support';

afterEach(() => {
  vi.restoreAllMocks();
  cleanUp();
});

/** The downloads the page starts (the link's click is caught, nothing is saved). */
function catchDownloads() {
  const saved: Array<{ href: string; download: string }> = [];
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
    this: HTMLAnchorElement,
  ) {
    saved.push({ href: this.href, download: this.download });
  });
  return saved;
}

/** The session's export document, as `GET /sessions/:id/export` answers its owner. */
async function exported(api: FakeApi, token: string, sessionId: string) {
  const response = await api.fetch(`/api/v1/sessions/${sessionId}/export`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return (await response.json()) as Record<string, unknown> & { session: { title: string } };
}

/** Picks `file` in the list's hidden file input, as the browser's picker would. */
function pick(root: ShadowRoot, file: File) {
  const input = byName<HTMLInputElement>(root, 'Session export file');
  const transfer = new DataTransfer();
  transfer.items.add(file);
  input.files = transfer.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

const jsonFile = (content: unknown, name = 'reduce-churn-session.json') =>
  new File([typeof content === 'string' ? content : JSON.stringify(content, null, 2)], name, {
    type: 'application/json',
  });

/**
 * `api.fetch`, with the requests whose URL ends with `ending` held until `release()`; `sent`
 * counts them as they are sent (before the fake API records them).
 */
function holding(api: FakeApi, ending: string) {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const held = { sent: 0, release: () => release() };
  const fetch: typeof globalThis.fetch = async (input, init) => {
    if (String(input).endsWith(ending)) {
      held.sent++;
      await gate;
    }
    return api.fetch(input, init);
  };
  return { fetch, held };
}

/** The titles in "Your sessions", in order. */
const titles = (root: ShadowRoot) =>
  deepQueryAll(root, '.sessions [part~="item-button"]').map((button) => button.textContent!.trim());

const imports = (api: FakeApi) => paths(api).filter((path) => path === 'POST /sessions/import');

describe('Export session', () => {
  it('downloads the session export as <title>-session.json, with the token, while active', async () => {
    const { api, token, sessionId } = await adaSession(['A clear answer']);
    const { root } = await openSession(api, token, sessionId);
    const saved = catchDownloads();
    byName(root, 'Export session').click();
    await until(() => expect(saved).toHaveLength(1));
    expect(saved[0]!.download).toBe('reduce-churn-session.json');
    expect(saved[0]!.href.startsWith('blob:')).toBe(true);
    const document = await (await fetch(saved[0]!.href)).json();
    expect(document).toMatchObject({ format: 'uaip.session', version: 1 });
    expect(document.session).toMatchObject({ id: sessionId, title: 'Reduce churn' });
    expect(document.turns).toHaveLength(1);
    const call = api.calls.find((item) => item.path.endsWith('/export'))!;
    expect(call.headers.get('authorization')).toBe(`Bearer ${token}`);
    expect(call.url).not.toContain(token);
  });

  it('an accented title loses its accents in the file name, as the server names it', () => {
    expect(titleFileName('Réduire les délais', 'session.json')).toBe(
      'reduire-les-delais-session.json',
    );
    expect(titleFileName('Ça coûte: l’œuvre', 'charter.md')).toBe('ca-coute-l-uvre-charter.md');
  });

  it('"Export session" is disabled and busy while the export is fetched: one download', async () => {
    const { api, token, sessionId } = await adaSession();
    const { fetch, held } = holding(api, '/export');
    const element = mount('uaip-session', { fetch, token, sessionId });
    const root = element.shadowRoot!;
    await until(() => expect(element.session).not.toBeNull());
    const saved = catchDownloads();
    const button = byName<HTMLButtonElement>(root, 'Export session');
    button.click();
    await until(() => expect(held.sent).toBe(1));
    await until(() => expect(button.disabled).toBe(true));
    expect(button.getAttribute('aria-busy')).toBe('true');
    button.click();
    button.dispatchEvent(new MouseEvent('click'));
    held.release();
    await until(() => expect(saved).toHaveLength(1));
    await until(() => expect(button.disabled).toBe(false));
    expect(button.getAttribute('aria-busy')).toBe('false');
    expect(held.sent).toBe(1);
    expect(saved).toHaveLength(1);
  });

  it('a viewer exports a completed session shared with them', async () => {
    const { api, sessionId } = await adaSession(['a', 'b', 'c', 'd', 'e']);
    const bob = api.signUp('bob@example.com', 'pw', 'Bob');
    api.share(sessionId, 'bob@example.com', 'viewer');
    const { root } = await openSession(api, bob, sessionId);
    await untilText(root.host, 'Shared with you as a viewer');
    const saved = catchDownloads();
    byName(root, 'Export session').click();
    await until(() => expect(saved).toHaveLength(1));
    const document = await (await fetch(saved[0]!.href)).json();
    expect(document.session).toMatchObject({ id: sessionId, status: 'completed' });
  });

  it('says what went wrong, with "Try again" for a failure that may pass', async () => {
    const { api, token, sessionId } = await adaSession();
    const { root } = await openSession(api, token, sessionId);
    const saved = catchDownloads();
    api.failNext('GET /sessions/:id/export', 'network');
    byName(root, 'Export session').click();
    await untilText(root.host, 'Cannot reach the server');
    expect(saved).toEqual([]);
    byName(root, 'Try again').click();
    await until(() => expect(saved).toHaveLength(1));
  });
});

describe('Import a session', () => {
  async function setUp() {
    const { api, token, sessionId } = await adaSession(['A clear answer']);
    const document = await exported(api, token, sessionId);
    const selected = collect<SessionSelectedDetail>('uaip-session-selected');
    const errors = collect<ErrorDetail>('uaip-error');
    const element = mount('uaip-session-list', { fetch: api.fetch, token });
    const root = element.shadowRoot!;
    await until(() => expect(deepQueryAll(root, '.sessions li')).toHaveLength(1));
    api.calls.length = 0;
    return { api, token, sessionId, document, selected, errors, element, root };
  }

  it('a button opens the picker for JSON files; it is described and reached with Tab', async () => {
    const { root } = await setUp();
    const button = byName(root, 'Import a session');
    expect(button.tagName).toBe('BUTTON');
    const hint = root.getElementById(button.getAttribute('aria-describedby')!)!;
    expect(hint.textContent).toContain('saved with "Export session"');
    const input = byName<HTMLInputElement>(root, 'Session export file');
    expect(input.type).toBe('file');
    expect(input.accept).toBe('application/json,.json');
    expect(input.hidden).toBe(true);
    const opened = vi.spyOn(HTMLInputElement.prototype, 'click').mockImplementation(() => {});

    byName<HTMLTextAreaElement>(root, 'Business idea').focus();
    for (
      let presses = 0;
      presses < 3 && accessibleName(focused()!) !== 'Import a session';
      presses++
    )
      await userEvent.keyboard('{Tab}');
    expect(focused()).toBe(button);
    await userEvent.keyboard('{Enter}');
    expect(opened).toHaveBeenCalledTimes(1);
    expect(opened.mock.contexts[0]).toBe(input);
  });

  it('a valid file becomes a new session of the person, listed in the server order, and is opened', async () => {
    const { api, token, sessionId, document, selected, root } = await setUp();
    pick(root, jsonFile({ ...document, session: { ...document.session, title: 'Churn, copied' } }));
    await until(() => expect(selected).toHaveLength(1));
    const newId = selected[0]!.sessionId;
    expect(newId).not.toBe(sessionId);
    expect(imports(api)).toHaveLength(1);
    // The list is read again; the copy keeps the exported session's creation time.
    await until(() => expect(titles(root)).toEqual(['Reduce churn', 'Churn, copied']));
    const copy = api.sessions.get(newId) as { ownerId: string } | undefined;
    const response = await api.fetch('/api/v1/auth/me', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(copy?.ownerId).toBe(((await response.json()) as { user: { id: string } }).user.id);
    expect(deepQueryAll(root, '[role=alert]')).toEqual([]);
  });

  it('the list is read again after an import: the server order, no copy twice on "Show older sessions"', async () => {
    const { api, token, sessionId } = await adaSession(['A clear answer']);
    const document = await exported(api, token, sessionId);
    for (let index = 1; index <= 20; index++) api.createSession(token, `Idea ${index}`);
    const selected = collect<SessionSelectedDetail>('uaip-session-selected');
    const element = mount('uaip-session-list', { fetch: api.fetch, token });
    const root = element.shadowRoot!;
    await until(() => expect(titles(root)).toHaveLength(20));
    pick(root, jsonFile({ ...document, session: { ...document.session, title: 'Churn, copied' } }));
    await until(() => expect(selected).toHaveLength(1));
    const lists = () => paths(api).filter((path) => path === 'GET /sessions');
    await until(() => expect(lists()).toHaveLength(2));
    const more = byName<HTMLButtonElement>(root, 'Show older sessions');
    await until(() => expect(more.disabled).toBe(false));
    // Older than the 20 ideas, the copy is not on the first page.
    expect(titles(root)).not.toContain('Churn, copied');
    expect(titles(root)[0]).toBe('Idea 20');
    more.click();
    await until(() => expect(titles(root)).toHaveLength(22));
    expect(titles(root).slice(-2)).toEqual(['Reduce churn', 'Churn, copied']);
    expect(new Set(titles(root)).size).toBe(22);
  });

  it('"Import a session" is disabled and busy while the import runs', async () => {
    const { api, token, sessionId } = await adaSession(['A clear answer']);
    const document = await exported(api, token, sessionId);
    const { fetch, held } = holding(api, '/sessions/import');
    const selected = collect<SessionSelectedDetail>('uaip-session-selected');
    const element = mount('uaip-session-list', { fetch, token });
    const root = element.shadowRoot!;
    await until(() => expect(titles(root)).toHaveLength(1));
    const button = byName<HTMLButtonElement>(root, 'Import a session');
    expect(button.disabled).toBe(false);
    pick(root, jsonFile(document));
    await until(() => expect(held.sent).toBe(1));
    await until(() => expect(button.disabled).toBe(true));
    expect(button.getAttribute('aria-busy')).toBe('true');
    held.release();
    await until(() => expect(selected).toHaveLength(1));
    await until(() => expect(button.disabled).toBe(false));
    expect(button.getAttribute('aria-busy')).toBe('false');
    expect(held.sent).toBe(1);
  });

  it('a file that is not JSON is refused without a request', async () => {
    const { api, root, element } = await setUp();
    pick(root, new File(['Reduce churn, as notes'], 'notes.txt', { type: 'text/plain' }));
    await untilText(element, '"notes.txt" is not JSON, so it cannot be a session export');
    expect(imports(api)).toEqual([]);
  });

  it("an invalid document: the server's message and the first paths it names", async () => {
    const { api, root, element, document, errors } = await setUp();
    const {
      title: _title,
      idea: _idea,
      status: _status,
      ...session
    } = document.session as Record<string, unknown>;
    pick(root, jsonFile({ ...document, session, turns: 'none' }));
    await untilText(element, 'The session export is not valid.');
    const alert = deepQueryAll(root, '[role=alert]')[0]!;
    expect(alert.textContent).toBe(
      'The session export is not valid. session.title: Expected a non-empty string; session.idea: Expected a non-empty string; session.status: Expected a non-empty string; and 1 more.',
    );
    expect(imports(api)).toHaveLength(1);
    expect(errors).toEqual([
      { status: 400, code: 'validation_failed', message: 'The session export is not valid' },
    ]);
    expect(deepQueryAll(root, '.sessions li')).toHaveLength(1);
  });

  it('an unknown version: says which version the server reads', async () => {
    const { root, element, document } = await setUp();
    pick(root, jsonFile({ ...document, version: 2 }));
    await untilText(
      element,
      'Unknown session export version 2: this server reads version 1. version: Supported versions: 1.',
    );
  });

  it('a file past the limit is refused before a request, in the words of the server', async () => {
    const { api, root, element, document } = await setUp();
    // Past twice the limit (the server takes that much, for an indented file) it is not read.
    const read = vi.spyOn(Blob.prototype, 'text');
    pick(root, jsonFile(' '.repeat(10 * 1024 * 1024 + 1)));
    await untilText(element, 'A session export is limited to 5 MB.');
    expect(read).not.toHaveBeenCalled();
    read.mockRestore();
    pick(root, new File(['notes'], 'notes.txt'));
    await untilText(element, 'is not JSON');
    // Read, it is past the limit once compact.
    pick(root, jsonFile({ ...document, padding: 'x'.repeat(5 * 1024 * 1024) }));
    await untilText(element, 'A session export is limited to 5 MB.');
    expect(imports(api)).toEqual([]);
    // The server's own 413 reads the same.
    api.failNext('POST /sessions/import', {
      status: 413,
      code: 'payload_too_large',
      message: 'A session export is limited to 5 MB',
    });
    pick(root, jsonFile(document));
    await until(() => expect(imports(api)).toHaveLength(1));
    await untilText(element, 'A session export is limited to 5 MB.');
  });

  it('in <uaip-app>: the imported session opens with its answers', async () => {
    const api = createFakeApi();
    const token = api.signUp();
    const { id } = api.createSession(token, 'Reduce churn');
    await api.advance(id, 'Churn falls from 8% to 5%');
    const document = await exported(api, token, id);
    sessionStorage.setItem('uaip:token', token);
    const app = mount('uaip-app', { fetch: api.fetch });
    await until(() => byName(app.shadowRoot!, 'Reduce churn'));
    const list = deepQueryAll(app.shadowRoot!, 'uaip-session-list')[0]!;
    pick(list.shadowRoot!, jsonFile(document));
    await until(() => expect(location.hash).toMatch(/^#session=/));
    expect(location.hash).not.toBe(`#session=${id}`);
    await untilText(app, 'Churn falls from 8% to 5%');
    await untilText(app, 'Tell me about Value Quantification.');
  });
});
