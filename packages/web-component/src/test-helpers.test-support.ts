import { expect, vi } from 'vitest';
import { createFakeApi, type FakeApi } from './fake-api.test-support';
import './index';

/** Every element matching `selector` in `root` and all shadow roots below it. */
export function deepQueryAll<T extends Element = HTMLElement>(
  root: ParentNode,
  selector: string,
): T[] {
  const found: T[] = [...root.querySelectorAll<T>(selector)];
  for (const element of root.querySelectorAll('*')) {
    if (element.shadowRoot) found.push(...deepQueryAll<T>(element.shadowRoot, selector));
  }
  return found;
}

/** The one element matching `selector` anywhere below `root`; fails when there is none. */
export function deepQuery<T extends Element = HTMLElement>(root: ParentNode, selector: string): T {
  const [first] = deepQueryAll<T>(root, selector);
  if (!first) throw new Error(`No element matches ${selector}`);
  return first;
}

const squash = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();

/**
 * The accessible name of a control as the tests read it: aria-label, then aria-labelledby,
 * then its `<label>`s, then its text.
 */
export function accessibleName(element: Element): string {
  const label = element.getAttribute('aria-label');
  if (label) return squash(label);
  const root = element.getRootNode() as ParentNode & {
    getElementById?: (id: string) => Element | null;
  };
  const labelledBy = element.getAttribute('aria-labelledby');
  if (labelledBy && root.getElementById) {
    return squash(
      labelledBy
        .split(/\s+/)
        .map((id) => root.getElementById!(id)?.textContent)
        .join(' '),
    );
  }
  const labels = (element as HTMLInputElement).labels;
  if (labels && labels.length > 0)
    return squash([...labels].map((item) => item.textContent).join(' '));
  return squash(element.textContent);
}

/** The control named `name` (buttons, links, inputs, textareas, selects, summaries) anywhere below `root`. */
export function byName<T extends HTMLElement = HTMLElement>(root: ParentNode, name: string): T {
  const controls = deepQueryAll<T>(
    root,
    'button, a[href], input, textarea, select, summary, [role=tab]',
  );
  const found = controls.filter((control) => accessibleName(control) === name);
  if (found.length !== 1) throw new Error(`${found.length} controls named "${name}"`);
  return found[0]!;
}

/** Whether some control is named `name`. */
export function hasControl(root: ParentNode, name: string): boolean {
  return deepQueryAll(root, 'button, a[href], input, textarea, select, summary').some(
    (control) => accessibleName(control) === name,
  );
}

/** Visible-ish text of `root` and every shadow root below it, whitespace squashed. */
export function deepText(root: Element | ShadowRoot): string {
  const parts: string[] = [];
  const walk = (node: Node) => {
    if (node instanceof Element && node.shadowRoot) walk(node.shadowRoot);
    if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent ?? '');
    if (node instanceof HTMLTextAreaElement || node instanceof HTMLInputElement) return;
    for (const child of node.childNodes) walk(child);
  };
  walk(root);
  return squash(parts.join(''));
}

/** Types into an input or textarea as a person would (the `input` event included). */
export function type(control: HTMLInputElement | HTMLTextAreaElement, text: string) {
  control.value = text;
  control.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

/** Waits until `check` passes (for what happens after a fake request resolves). */
export function until<T>(check: () => T, timeout = 3000): Promise<T> {
  return vi.waitFor(check, { timeout, interval: 10 });
}

/** Waits until `text` shows anywhere in `root`. */
export function untilText(root: Element, text: string | RegExp) {
  return until(() => {
    if (typeof text === 'string') expect(deepText(root)).toContain(text);
    else expect(deepText(root)).toMatch(text);
  });
}

/** Creates an element with properties set, attached to the body. */
export function mount<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  properties: Partial<HTMLElementTagNameMap[K]> = {},
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  Object.assign(element, properties);
  document.body.append(element);
  return element;
}

/** Collects the details of one event type fired at the document. */
export function collect<T>(type: string): T[] {
  const details: T[] = [];
  const listener = (event: Event) => details.push((event as CustomEvent<T>).detail);
  document.addEventListener(type, listener);
  cleanups.push(() => document.removeEventListener(type, listener));
  return details;
}

const cleanups: Array<() => void> = [];

/** Removes what a test mounted, its listeners and its stored state. */
export function cleanUp() {
  document.body.replaceChildren();
  for (const cleanup of cleanups.splice(0)) cleanup();
  sessionStorage.clear();
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
}

/** The requests of the fake with their paths, for asserting what was sent. */
export const paths = (api: FakeApi) => api.calls.map((call) => `${call.method} ${call.path}`);

/** The focused element, looking through shadow roots. */
export function focused(): Element | null {
  let element = document.activeElement;
  while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
  return element;
}

/**
 * A fake API (with `options`) where Ada is signed up (her token) and has a session "Reduce
 * churn", `answers` given to it one by one.
 */
export async function adaSession(
  answers: readonly string[] = [],
  options: Parameters<typeof createFakeApi>[0] = {},
) {
  const api = createFakeApi(options);
  const token = api.signUp();
  const { id } = api.createSession(token, 'Reduce churn');
  for (const answer of answers) await api.advance(id, answer);
  return { api, token, sessionId: id };
}

/** `sessionId` open in `<uaip-session>` for `token`, once its session has loaded. */
export async function openSession(api: FakeApi, token: string, sessionId: string) {
  const element = mount('uaip-session', { fetch: api.fetch, token, sessionId });
  const root = element.shadowRoot!;
  await until(() => expect(element.session).not.toBeNull());
  return { element, root };
}
