import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { createFakeApi } from './fake-api.test-support';
import {
  accessibleName,
  cleanUp,
  focused,
  hasControl,
  mount,
  until,
  untilText,
} from './test-helpers.test-support';

afterEach(cleanUp);

async function tabTo(name: string) {
  for (let presses = 0; presses < 12; presses++) {
    const current = focused();
    if (current && accessibleName(current) === name) return;
    await userEvent.keyboard('{Tab}');
  }
  throw new Error(`Tab never reached "${name}"`);
}

describe('keyboard only', () => {
  it('signs in with Enter, starts a session and answers with Ctrl+Enter, focus following the questions', async () => {
    const api = createFakeApi();
    api.signUp();
    const app = mount('uaip-app', { fetch: api.fetch });
    await until(() => expect(hasControl(app.shadowRoot!, 'Email')).toBe(true));
    await tabTo('Email');
    await userEvent.keyboard('ada@example.com');
    await userEvent.keyboard('{Tab}');
    expect(accessibleName(focused()!)).toBe('Password');
    await userEvent.keyboard('correct horse{Enter}');

    await until(() => expect(hasControl(app.shadowRoot!, 'Business idea')).toBe(true));
    await tabTo('Business idea');
    await userEvent.keyboard('Reduce churn{Control>}{Enter}{/Control}');
    await untilText(app, 'Tell me about Business Translation.');
    await until(() => expect(accessibleName(focused()!)).toBe('Your answer'));

    await userEvent.keyboard('Churn falls from 8% to 5%.{Control>}{Enter}{/Control}');
    await untilText(app, 'Tell me about Value Quantification.');
    await until(() => expect(accessibleName(focused()!)).toBe('Your answer'));
    await userEvent.keyboard('{Tab}');
    expect(accessibleName(focused()!)).toBe('Submit answer');
  });
});
