import { afterEach, describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
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

  it('a valid file becomes a new session of the person, first in the list, and is opened', async () => {
    const { api, token, sessionId, document, selected, root } = await setUp();
    pick(root, jsonFile({ ...document, session: { ...document.session, title: 'Churn, copied' } }));
    await until(() => expect(selected).toHaveLength(1));
    const newId = selected[0]!.sessionId;
    expect(newId).not.toBe(sessionId);
    expect(imports(api)).toHaveLength(1);
    const titles = deepQueryAll(root, '.sessions [part~="item-button"]').map((button) =>
      button.textContent!.trim(),
    );
    expect(titles).toEqual(['Churn, copied', 'Reduce churn']);
    const copy = api.sessions.get(newId) as { ownerId: string } | undefined;
    const response = await api.fetch('/api/v1/auth/me', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(copy?.ownerId).toBe(((await response.json()) as { user: { id: string } }).user.id);
    expect(deepQueryAll(root, '[role=alert]')).toEqual([]);
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
