import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { ErrorDetail } from './index';
import { committeeSession, openAs } from './review-support.test-support';
import {
  accessibleName,
  byName,
  cleanUp,
  collect,
  deepQuery,
  deepQueryAll,
  deepText,
  focused,
  hasControl,
  paths,
  type,
  until,
  untilText,
} from './test-helpers.test-support';

afterEach(cleanUp);

/** Ada's committee session open as she sees it, with helpers for the request dialog. */
async function asOwner() {
  const setup = await committeeSession();
  const { root, element } = await openAs(setup.api, setup.ada, setup.sessionId);
  const opener = () => byName(root, 'Request committee review');
  await until(opener);
  const dialog = () => deepQuery<HTMLDialogElement>(root, 'dialog[part~=review-dialog]');
  const row = (n: number) => byName<HTMLInputElement>(root, `Reviewer ${n}`);
  const openDialog = async () => {
    opener().click();
    await until(() => expect(focused()).toBe(row(1)));
  };
  const send = () => byName(root, 'Request review').click();
  return { ...setup, root, element, dialog, row, openDialog, send };
}

describe('asking for a committee review', () => {
  it('the owner of a session whose decision calls for the committee asks reviewers in a modal dialog', async () => {
    const { api, root, dialog, row, openDialog, send, sessionId } = await asOwner();
    const section = deepQuery(root, 'section[part~=review]');
    expect(accessibleName(section)).toBe('Committee review');
    expect(deepText(section)).toContain('This decision calls for the AI ethics committee');
    expect(byName(root, 'Request committee review').getAttribute('aria-haspopup')).toBe('dialog');
    // The charter's decision called for it, and nothing has changed yet: the stream is open
    // for the review's events.
    await until(() => expect(api.openStreams(sessionId)).toBe(1));

    await openDialog();
    expect(dialog().matches(':modal')).toBe(true);
    expect(accessibleName(dialog())).toBe(
      'Request a committee review of "Screen loan applications"',
    );
    // No control's name holds a name end-to-end tests find the sign-in form by.
    const names = deepQueryAll(dialog(), 'button, input, textarea').map(accessibleName);
    expect(names).toEqual([
      'Reviewer 1',
      'Add another reviewer',
      'Approvals required',
      'Note to the reviewers (optional)',
      'Request review',
      'Cancel',
    ]);
    type(row(1), 'bob@example.com');
    byName(root, 'Add another reviewer').click();
    await until(() => expect(focused()).toBe(row(2)));
    type(row(2), 'cy@example.com');
    type(byName<HTMLInputElement>(root, 'Approvals required'), '1');
    type(
      byName<HTMLTextAreaElement>(root, 'Note to the reviewers (optional)'),
      'Credit risk: please look at fairness.',
    );
    send();

    await until(() => expect(dialog().open).toBe(false));
    await until(() => expect(focused()).toBe(byName(root, 'Request a new review round')));
    const sent = api.calls.find((call) => call.method === 'POST' && call.path.endsWith('/review'))!;
    expect(sent.body).toEqual({
      reviewers: [{ email: 'bob@example.com' }, { email: 'cy@example.com' }],
      approvalsRequired: 1,
      note: 'Credit risk: please look at fairness.',
    });
    const text = deepText(deepQuery(root, 'section[part~=review]'));
    expect(text).toContain('Review requested from Bob, Cy (round 1).');
    expect(text).toContain('Round 1: open: 0 of 1 approvals needed, 0 rejected so far.');
    expect(text).toContain('Decision under review: Submit to committee.');
    expect(text).toContain('Note to the reviewers: Credit risk: please look at fairness.');
    expect(deepQueryAll(root, '[part~=reviewer]').map((li) => deepText(li))).toEqual([
      'Bob (bob@example.com) Not voted yet',
      'Cy (cy@example.com) Not voted yet',
    ]);
    // The owner is no reviewer: no vote for her.
    expect(hasControl(root, 'Approve')).toBe(false);
    // The reviewers became viewers, so they can read what they review.
    await untilText(root.host, 'Shared with 2 people.');
    // The charter is read again: its "Committee review" section.
    await untilText(deepQuery(root, 'article.charter'), 'Committee review');
  });

  it('says what went wrong in the dialog, on the row it is about, and keeps what was typed', async () => {
    const { api, root, dialog, row, openDialog, send } = await asOwner();
    const errors = collect<ErrorDetail>('uaip-error');
    await openDialog();
    send();
    await untilText(dialog(), 'Name at least one reviewer by email.');

    type(row(1), 'bob@example.com');
    byName(root, 'Add another reviewer').click();
    type(await until(() => row(2)), 'zed@example.com');
    type(byName<HTMLInputElement>(root, 'Note to the reviewers (optional)'), 'Kept');
    send();
    await untilText(
      dialog(),
      'Reviewer 2: No account uses zed@example.com. Ask them to create an account first.',
    );
    expect(deepQuery(dialog(), '[role=alert]').textContent).toContain('Reviewer 2:');
    expect(row(2).getAttribute('aria-invalid')).toBe('true');
    expect(row(1).getAttribute('aria-invalid')).toBe('false');
    expect(accessibleName(row(2))).toBe('Reviewer 2');
    const described = deepQuery(dialog(), `#${row(2).getAttribute('aria-describedby')}`);
    expect(described.textContent).toContain('No account uses zed@example.com');
    await until(() => expect(focused()).toBe(row(2)));
    expect([row(1).value, row(2).value]).toEqual(['bob@example.com', 'zed@example.com']);
    expect(byName<HTMLTextAreaElement>(root, 'Note to the reviewers (optional)').value).toBe(
      'Kept',
    );
    expect(errors.map((error) => error.code)).toEqual(['not_found']);

    // One's own address is caught before anything is sent.
    const before = api.calls.length;
    type(row(2), 'ADA@example.com');
    send();
    await untilText(dialog(), 'Reviewer 2: that is your own address. Name someone else.');
    expect(api.calls.length).toBe(before);

    byName(root, 'Remove reviewer 2').click();
    await until(() => expect(focused()).toBe(row(1)));
    type(byName<HTMLInputElement>(root, 'Approvals required'), '3');
    send();
    await untilText(dialog(), 'At most as many approvals as reviewers.');
    expect(row(1).value).toBe('bob@example.com');
    expect(dialog().open).toBe(true);

    await userEvent.keyboard('{Escape}');
    await until(() => expect(dialog().open).toBe(false));
    await until(() => expect(focused()).toBe(byName(root, 'Request committee review')));
    expect(paths(api).filter((path) => path.startsWith('POST'))).toHaveLength(2);
  });

  it('the server refusing (not a committee decision any more) is said in the dialog', async () => {
    const { api, dialog, row, openDialog, send } = await asOwner();
    await openDialog();
    api.failNext('POST /sessions/:id/review', {
      status: 422,
      code: 'invalid_state',
      message: "This session's outcome (Proceed) does not call for a committee review",
    });
    type(row(1), 'bob@example.com');
    send();
    await untilText(
      dialog(),
      "This session's outcome (Proceed) does not call for a committee review",
    );
    expect(row(1).value).toBe('bob@example.com');
  });

  it('no review UI, request, chunk or stream for a session whose decision does not call for it', async () => {
    const { api, ada, sessionId } = await committeeSession({ idea: 'Forecast demand' });
    const { root } = await openAs(api, ada, sessionId);
    await until(() => expect(paths(api)).toContain(`GET /sessions/${sessionId}/review`));
    await until(() => expect(paths(api)).toContain(`GET /sessions/${sessionId}/history`));
    expect(deepQueryAll(root, 'section[part~=review]')).toHaveLength(0);
    expect(hasControl(root, 'Request committee review')).toBe(false);
    expect(api.openStreams(sessionId)).toBe(0);
  });

  it('a member who is no reviewer and not the owner sees the review but cannot vote or ask', async () => {
    const { api, dan, sessionId } = await committeeSession({ reviewers: ['bob@example.com'] });
    api.share(sessionId, 'dan@example.com', 'viewer');
    const { root } = await openAs(api, dan, sessionId);
    await untilText(root.host, 'Round 1: open: 0 of 1 approvals needed');
    expect(deepText(deepQuery(root, '[part~=reviewer]'))).toBe(
      'Bob (bob@example.com) Not voted yet',
    );
    expect(hasControl(root, 'Approve')).toBe(false);
    expect(hasControl(root, 'Reject')).toBe(false);
    expect(hasControl(root, 'Request a new review round')).toBe(false);
    expect(deepQueryAll(root, 'dialog[part~=review-dialog]')).toHaveLength(0);
  });

  it('the dialog and the review fit a 390 px wide screen', async () => {
    await page.viewport(390, 844);
    const { root, dialog, row, openDialog } = await asOwner();
    await openDialog();
    byName(root, 'Add another reviewer').click();
    type(await until(() => row(2)), 'someone.with.a.long.address@example.com');
    const box = dialog().getBoundingClientRect();
    expect(box.left).toBeGreaterThanOrEqual(0);
    expect(box.right).toBeLessThanOrEqual(390);
    for (const control of deepQueryAll(dialog(), 'button, input, textarea'))
      expect(control.getBoundingClientRect().right).toBeLessThanOrEqual(box.right);
    expect(dialog().scrollWidth).toBeLessThanOrEqual(dialog().clientWidth);
    const section = deepQuery(root, 'section[part~=review]');
    expect(section.scrollWidth).toBeLessThanOrEqual(section.clientWidth);
  });
});
