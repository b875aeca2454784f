import { afterEach, describe, expect, it } from 'vitest';
import { createFakeApi } from './fake-api.test-support';
import { byName, cleanUp, deepQuery, mount, until, untilText } from './test-helpers.test-support';

let pageStyle: HTMLStyleElement | null = null;
afterEach(() => {
  pageStyle?.remove();
  cleanUp();
});

function addPageStyle(text: string) {
  pageStyle = document.createElement('style');
  pageStyle.textContent = text;
  document.head.append(pageStyle);
}

describe('theming', () => {
  it('follows --uaip-* custom properties and ::part, ignores page selectors, adds nothing to the head', async () => {
    const headBefore = document.head.children.length + 1;
    addPageStyle(`
      uaip-app { --uaip-accent: rgb(10, 20, 30); --uaip-font: monospace; }
      uaip-app::part(button) { border-radius: 9px; }
      uaip-app::part(progress) { outline: 1px solid rgb(1, 2, 3); }
      button, label { color: rgb(255, 0, 0) !important; }
    `);
    const api = createFakeApi();
    const token = api.signUp();
    const session = api.createSession(token, 'Reduce churn');
    const app = mount('uaip-app', { fetch: api.fetch, token, sessionId: session.id });
    await untilText(app, 'Tell me about Business Translation.');
    const root = app.shadowRoot!;
    const submit = getComputedStyle(byName(root, 'Submit answer'));
    expect(submit.backgroundColor).toBe('rgb(10, 20, 30)');
    expect(submit.borderRadius).toBe('9px');
    expect(submit.color).not.toBe('rgb(255, 0, 0)');
    expect(submit.fontFamily).toBe('monospace');
    await until(() => deepQuery(root, '[part~=progress]'));
    expect(getComputedStyle(deepQuery(root, '[part~=progress]')).outlineColor).toBe('rgb(1, 2, 3)');
    expect(document.head.children.length).toBe(headBefore);
  });
});
