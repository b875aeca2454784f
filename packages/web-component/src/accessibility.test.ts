import { afterEach, describe, expect, it } from 'vitest';
import { createFakeApi } from './fake-api.test-support';
import type { UaipApp } from './index';
import {
  accessibleName,
  byName,
  cleanUp,
  deepQueryAll,
  mount,
  type,
  until,
  untilText,
} from './test-helpers.test-support';

afterEach(cleanUp);

/** The names the issue fixes; end-to-end tests find the controls by them alone. */
const REQUIRED = [
  'Email',
  'Password',
  'Name',
  'Sign in',
  'Create account',
  'Business idea',
  'Start session',
  'Your answer',
  'Submit answer',
];
const INPUTS = new Set(['Email', 'Password', 'Name', 'Business idea', 'Your answer']);

interface Control {
  element: HTMLElement;
  name: string;
}

/** Every focusable or named control below the app, through all its shadow roots. */
function controls(app: UaipApp): Control[] {
  const selector = 'button, a[href], input, textarea, select, summary, [role], [tabindex]';
  return deepQueryAll(app.shadowRoot!, selector)
    .filter(
      (element) =>
        !['list', 'status', 'alert', 'tablist'].includes(element.getAttribute('role') ?? ''),
    )
    .map((element) => ({ element, name: accessibleName(element) }));
}

/** Checks one state of the app; returns the required names it found. */
function audit(app: UaipApp): string[] {
  const found: string[] = [];
  for (const { element, name } of controls(app)) {
    expect(name, `a ${element.tagName} without a name`).not.toBe('');
    if (REQUIRED.includes(name)) {
      found.push(name);
      if (INPUTS.has(name)) {
        // A real <label> in the same shadow root, not an aria-label.
        expect(element.hasAttribute('aria-label')).toBe(false);
        const labels = [...(element as HTMLInputElement).labels!];
        expect(labels.map((label) => label.textContent!.trim())).toEqual([name]);
        expect(labels[0]!.getRootNode()).toBe(element.getRootNode());
      } else {
        expect(element.tagName, name).toBe('BUTTON');
      }
      continue;
    }
    // No other control's name contains a reserved phrase (case-insensitive, as Playwright
    // matches names by substring).
    for (const phrase of REQUIRED) {
      expect(name.toLowerCase(), `"${name}" contains "${phrase}"`).not.toContain(
        phrase.toLowerCase(),
      );
    }
    // Anything clickable that is not a link or a summary is a real <button>.
    if (element.getAttribute('role') === 'button') expect(element.tagName).toBe('BUTTON');
  }
  // Each required name is used once at most in a state.
  expect(new Set(found).size).toBe(found.length);
  return found;
}

describe('accessible names', () => {
  it('every state uses exactly the required names, each once, and no other control contains them', async () => {
    const api = createFakeApi({
      demo: true,
      stages: [
        ['first', 'First'],
        ['second', 'Second'],
      ],
    });
    const token = api.signUp();
    api.createSession(token, 'Forecast demand for spare parts');
    const app = mount('uaip-app', { fetch: api.fetch });
    const root = app.shadowRoot!;
    const seen = new Set<string>();
    const check = () => {
      for (const name of audit(app)) seen.add(name);
    };

    await until(() => byName(root, 'Sign in'));
    check();
    byName(root, 'Register an account instead').click();
    await until(() => byName(root, 'Create account'));
    check();
    byName(root, 'Log in').click();
    await until(() => byName(root, 'Sign in'));

    type(byName<HTMLInputElement>(root, 'Email'), 'ada@example.com');
    type(byName<HTMLInputElement>(root, 'Password'), 'correct horse');
    byName(root, 'Sign in').click();
    await until(() => byName(root, 'Forecast demand for spare parts'));
    check();

    type(byName<HTMLTextAreaElement>(root, 'Business idea'), 'Reduce churn');
    byName(root, 'Start session').click();
    await untilText(app, 'Tell me about First.');
    check();

    api.failNext('POST /sessions/:id/answers', { status: 503, code: 'llm_unavailable' });
    type(byName<HTMLTextAreaElement>(root, 'Your answer'), 'vague');
    byName(root, 'Submit answer').click();
    await until(() => byName(root, 'Try again'));
    check();
    byName(root, 'Try again').click();
    await untilText(app, 'Follow-up');
    check();

    type(byName<HTMLTextAreaElement>(root, 'Your answer'), 'A clear answer');
    byName(root, 'Submit answer').click();
    await untilText(app, 'Tell me about Second.');
    check();
    type(byName<HTMLTextAreaElement>(root, 'Your answer'), 'Another clear answer');
    byName(root, 'Submit answer').click();
    await until(() => byName(root, 'Download HTML'));
    check();

    expect([...seen].sort()).toEqual([...REQUIRED].sort());
  });
});

describe('accessible names when sharing', () => {
  it('the Share dialog, a member view and "Shared with me" keep the rules', async () => {
    const api = createFakeApi();
    const ada = api.signUp();
    const bob = api.signUp('bob@example.com', 'pw', 'Bob');
    api.signUp('cy@example.com', 'pw', 'Cy');
    const { id } = api.createSession(ada, 'Reduce churn');
    await api.advance(id, 'A clear answer');
    api.share(id, 'bob@example.com', 'viewer');
    api.share(id, 'cy@example.com', 'editor');

    sessionStorage.setItem('uaip:token', ada);
    location.hash = `#session=${id}`;
    const owner = mount('uaip-app', { fetch: api.fetch });
    const root = owner.shadowRoot!;
    await until(() => byName(root, 'Share')).then((button) => button.click());
    await until(() => byName(root, 'Remove bob@example.com')).then((button) => button.click());
    await until(() => byName(root, 'Keep access'));
    // "Email" is the dialog's field here: the sign-in form is not on screen.
    expect(audit(owner).sort()).toEqual(['Email', 'Submit answer', 'Your answer']);
    owner.remove();
    sessionStorage.clear();

    sessionStorage.setItem('uaip:token', bob);
    const viewer = mount('uaip-app', { fetch: api.fetch });
    await until(() => byName(viewer.shadowRoot!, 'Leave')).then((button) => button.click());
    await until(() => byName(viewer.shadowRoot!, 'Stay'));
    expect(audit(viewer)).toEqual([]);
    byName(viewer.shadowRoot!, '← All sessions').click();
    await untilText(viewer, 'Shared with me');
    await until(() => byName(viewer.shadowRoot!, 'Reduce churn'));
    expect(audit(viewer).sort()).toEqual(['Business idea', 'Start session']);
  });
});
