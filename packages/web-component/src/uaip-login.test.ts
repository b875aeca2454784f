import { afterEach, describe, expect, it } from 'vitest';
import { createFakeApi } from './fake-api.test-support';
import type { ErrorDetail, SignedInDetail } from './index';
import {
  accessibleName,
  byName,
  cleanUp,
  collect,
  deepText,
  hasControl,
  mount,
  type,
  until,
  untilText,
} from './test-helpers.test-support';

afterEach(cleanUp);

async function mountLogin() {
  const api = createFakeApi();
  const element = mount('uaip-login', { fetch: api.fetch });
  await element.updateComplete;
  return { api, element, root: element.shadowRoot! };
}

describe('<uaip-login>', () => {
  it('signed out: Email, Password and Sign in, and a link to register', async () => {
    const { root } = await mountLogin();
    expect(accessibleName(byName(root, 'Email'))).toBe('Email');
    expect(byName(root, 'Password').getAttribute('type')).toBe('password');
    expect(byName(root, 'Sign in').tagName).toBe('BUTTON');
    expect(byName(root, 'Register an account instead').tagName).toBe('A');
    expect(hasControl(root, 'Name')).toBe(false);
    expect(hasControl(root, 'Create account')).toBe(false);
  });

  it('create-account mode: an optional Name and a Create account button, keeping what was typed', async () => {
    const { element, root } = await mountLogin();
    type(byName<HTMLInputElement>(root, 'Email'), 'ada@example.com');
    byName(root, 'Register an account instead').click();
    await element.updateComplete;
    expect(byName<HTMLInputElement>(root, 'Email').value).toBe('ada@example.com');
    const name = byName<HTMLInputElement>(root, 'Name');
    expect(name.required).toBe(false);
    expect(root.getElementById(name.getAttribute('aria-describedby')!)!.textContent).toContain(
      'optional',
    );
    expect(byName(root, 'Create account').tagName).toBe('BUTTON');
    expect(hasControl(root, 'Sign in')).toBe(false);
    expect(byName(root, 'Log in').tagName).toBe('A');
  });

  it('creates the account, signs in with it and fires uaip-signed-in with the token and user', async () => {
    const { element, root, api } = await mountLogin();
    const signedIn = collect<SignedInDetail>('uaip-signed-in');
    element.mode = 'register';
    await element.updateComplete;
    type(byName<HTMLInputElement>(root, 'Email'), 'grace@example.com');
    type(byName<HTMLInputElement>(root, 'Password'), 'a long password');
    type(byName<HTMLInputElement>(root, 'Name'), 'Grace');
    byName(root, 'Create account').click();
    await until(() => expect(signedIn).toHaveLength(1));
    expect(signedIn[0]!.token).toMatch(/^token-/);
    expect(signedIn[0]!.user).toMatchObject({ email: 'grace@example.com', name: 'Grace' });
    expect(api.calls.map((call) => call.path)).toEqual(['/auth/register', '/auth/login']);
  });

  it('a wrong password shows a message, fires uaip-error and keeps what was typed', async () => {
    const { root, api } = await mountLogin();
    api.signUp('ada@example.com', 'correct horse');
    const errors = collect<ErrorDetail>('uaip-error');
    type(byName<HTMLInputElement>(root, 'Email'), 'ada@example.com');
    type(byName<HTMLInputElement>(root, 'Password'), 'wrong horse');
    byName<HTMLFormElement>(root, 'Password').form!.requestSubmit();
    await untilText(root.host, 'do not match an account');
    expect(errors).toEqual([
      { status: 401, code: 'invalid_credentials', message: 'Invalid email or password' },
    ]);
    expect(byName<HTMLInputElement>(root, 'Email').value).toBe('ada@example.com');
    expect(byName<HTMLInputElement>(root, 'Password').value).toBe('wrong horse');
  });

  it('429 says when to try again', async () => {
    const { root, api } = await mountLogin();
    api.failNext('POST /auth/login', { status: 429, code: 'rate_limited', retryAfter: 30 });
    type(byName<HTMLInputElement>(root, 'Email'), 'ada@example.com');
    type(byName<HTMLInputElement>(root, 'Password'), 'whatever1');
    byName(root, 'Sign in').click();
    await untilText(root.host, 'Too many requests — try again in 30 seconds');
  });

  it('network down: a clear message', async () => {
    const { root, api } = await mountLogin();
    api.failNext('POST /auth/login', 'network');
    type(byName<HTMLInputElement>(root, 'Email'), 'ada@example.com');
    type(byName<HTMLInputElement>(root, 'Password'), 'whatever1');
    byName(root, 'Sign in').click();
    await untilText(root.host, 'Cannot reach the server');
    expect(deepText(root.host)).toContain('nothing you typed is lost');
  });
});
