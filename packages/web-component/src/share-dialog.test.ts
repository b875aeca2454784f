import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { createFakeApi } from './fake-api.test-support';
import type { ErrorDetail } from './index';
import {
  accessibleName,
  byName,
  cleanUp,
  collect,
  deepQuery,
  deepQueryAll,
  deepText,
  focused,
  openSession,
  paths,
  type,
  until,
  untilText,
} from './test-helpers.test-support';

afterEach(cleanUp);

/** Ada's session open in `<uaip-session>`, Bob and Cy with accounts of their own. */
async function open() {
  const api = createFakeApi();
  const token = api.signUp();
  api.signUp('bob@example.com', 'pw', 'Bob');
  api.signUp('cy@example.com', 'pw', 'Cy');
  const { id } = api.createSession(token, 'Reduce churn');
  const { element, root } = await openSession(api, token, id);
  await until(() => byName(root, 'Share'));
  const dialog = () => deepQuery<HTMLDialogElement>(root, 'dialog[part~=share-dialog]');
  const email = () => byName<HTMLInputElement>(root, 'Email');
  const add = async (address: string, role: 'viewer' | 'editor' = 'viewer') => {
    type(email(), address);
    const select = byName<HTMLSelectElement>(root, 'Role');
    select.value = role;
    select.dispatchEvent(new Event('change'));
    byName(root, 'Add').click();
  };
  const members = () =>
    deepQueryAll(root, '[part~=member] .who').map((who) => who.textContent!.trim());
  const status = () => deepQuery(root, 'dialog .status').textContent!.trim();
  const openDialog = async () => {
    byName(root, 'Share').click();
    await until(() => expect(focused()).toBe(email()));
  };
  return {
    api,
    token,
    element,
    root,
    sessionId: id,
    dialog,
    email,
    add,
    members,
    status,
    openDialog,
  };
}

describe('the Share dialog', () => {
  it('opens as a modal dialog with the focus on Email; Escape closes it and gives the focus back to Share', async () => {
    const { root, dialog, openDialog } = await open();
    expect(deepText(root)).toContain('Only you can see it.');
    expect(byName(root, 'Share').getAttribute('aria-haspopup')).toBe('dialog');
    await openDialog();
    expect(dialog().open).toBe(true);
    expect(dialog().matches(':modal')).toBe(true);
    expect(accessibleName(dialog())).toBe('Share "Reduce churn"');
    expect(deepText(dialog())).toContain('Ada (you) owner');
    await userEvent.keyboard('{Escape}');
    await until(() => expect(dialog().open).toBe(false));
    await until(() => expect(focused()).toBe(byName(root, 'Share')));
    expect(deepQueryAll(root, 'dialog input')).toHaveLength(0);
  });

  it('adds people by email with a role, changes a role, and removes someone after a confirmation', async () => {
    const { api, root, sessionId, add, members, status, email, openDialog } = await open();
    await openDialog();
    await add('bob@example.com');
    await until(() => expect(members()).toEqual(['Bob (bob@example.com)']));
    expect(status()).toBe('Shared with Bob (bob@example.com) as a viewer: they can read it.');
    expect(email().value).toBe('');
    const sent = api.calls.find((call) => call.method === 'POST')!;
    expect(sent.body).toEqual({ email: 'bob@example.com', role: 'viewer' });
    await add('cy@example.com', 'editor');
    await until(() => expect(members()).toEqual(['Bob (bob@example.com)', 'Cy (cy@example.com)']));

    const bobRole = byName<HTMLSelectElement>(root, 'Role of bob@example.com');
    expect(bobRole.value).toBe('viewer');
    bobRole.value = 'editor';
    bobRole.dispatchEvent(new Event('change'));
    await until(() =>
      expect(status()).toBe('Bob (bob@example.com) is now an editor and can answer and edit.'),
    );
    const patch = api.calls.find((call) => call.method === 'PATCH')!;
    expect(patch.path).toMatch(new RegExp(`^/sessions/${sessionId}/members/[^/]+$`));
    expect(patch.body).toEqual({ role: 'editor' });
    expect(byName<HTMLSelectElement>(root, 'Role of bob@example.com').value).toBe('editor');

    byName(root, 'Remove cy@example.com').click();
    await until(() => expect(focused()).toBe(byName(root, 'Keep access')));
    expect(deepText(deepQuery(root, '[role=alertdialog]'))).toContain(
      "Remove Cy (cy@example.com)'s access to this session?",
    );
    byName(root, 'Keep access').click();
    await until(() => expect(focused()).toBe(byName(root, 'Remove cy@example.com')));
    expect(members()).toHaveLength(2);
    byName(root, 'Remove cy@example.com').click();
    await until(() => byName(root, 'Remove access')).then((button) => button.click());
    await until(() => expect(members()).toEqual(['Bob (bob@example.com)']));
    expect(status()).toBe('Cy (cy@example.com) no longer has access.');
    expect(paths(api).filter((path) => path.startsWith('DELETE'))).toHaveLength(1);
    byName(root, 'Close').click();
    await untilText(root.host, 'Shared with 1 person.');
  });

  it('says what went wrong and keeps the typed email: no such account, yourself, not an address', async () => {
    const { api, root, add, email, openDialog } = await open();
    const errors = collect<ErrorDetail>('uaip-error');
    await openDialog();
    await add('nobody@example.com');
    await untilText(
      root.host,
      'No account uses nobody@example.com. Ask them to create an account first, then share again.',
    );
    expect(email().value).toBe('nobody@example.com');
    expect(errors.map((error) => error.code)).toEqual(['not_found']);

    const before = api.calls.length;
    await add('ADA@example.com');
    await untilText(root.host, 'That is your own address: you own this session already.');
    expect(api.calls.length).toBe(before);
    expect(email().value).toBe('ADA@example.com');

    await add('bob@example');
    await untilText(root.host, 'Invalid email address.');
    expect(deepQuery(root, 'dialog [role=alert]').textContent).toBe('Invalid email address.');
    expect(email().value).toBe('bob@example');
  });

  it('a session deleted meanwhile says so rather than blaming the email', async () => {
    const { api, root, sessionId, add, openDialog } = await open();
    await openDialog();
    api.sessions.delete(sessionId);
    await add('bob@example.com');
    await untilText(root.host, 'This session was not found');
    expect(deepText(root)).not.toContain('No account uses');
  });

  it('a 403 (no longer the owner) closes the dialog, says so and reads the role again', async () => {
    const { api, root, dialog, add, openDialog } = await open();
    await openDialog();
    api.failNext('POST /sessions/:id/members', {
      status: 403,
      code: 'forbidden',
      message: "Only the session's owner can do this",
    });
    await add('bob@example.com');
    await until(() => expect(dialog().open).toBe(false));
    await untilText(root.host, "Not recorded: Only the session's owner can do this.");
    const reads = paths(api).filter((path) => path.endsWith('/members') && path.startsWith('GET'));
    expect(reads.length).toBeGreaterThanOrEqual(3);
  });

  it('fits a 390 px wide screen', async () => {
    await page.viewport(390, 844);
    const { dialog, add, members, openDialog } = await open();
    await openDialog();
    await add('bob@example.com');
    await until(() => expect(members()).toHaveLength(1));
    const box = dialog().getBoundingClientRect();
    expect(window.innerWidth).toBe(390);
    expect(box.left).toBeGreaterThanOrEqual(0);
    expect(box.right).toBeLessThanOrEqual(390);
    for (const control of deepQueryAll(dialog(), 'button, input, select'))
      expect(control.getBoundingClientRect().right).toBeLessThanOrEqual(box.right);
    expect(dialog().scrollWidth).toBeLessThanOrEqual(dialog().clientWidth);
  });
});
