import { css, html, nothing } from 'lit';
import { ApiElement } from './api-element';
import { UaipApiError } from './api-error';
import { emit, type SignedInDetail } from './events';
import { baseStyles } from './styles';

/** Which form `<uaip-login>` shows. */
export type LoginMode = 'sign-in' | 'register';

/**
 * Sign in, or create an account (then sign in with it), against the server at `api-base`.
 * Fires `uaip-signed-in` with `{ token, user }`. What was typed stays in the form after an
 * error. A link switches between the two forms.
 *
 * @example
 * ```html
 * <uaip-login api-base="https://uaip.example.com/api/v1"></uaip-login>
 * <script type="module">
 *   document.querySelector('uaip-login')
 *     .addEventListener('uaip-signed-in', (event) => useToken(event.detail.token));
 * </script>
 * ```
 */
export class UaipLogin extends ApiElement {
  /** @internal Lit's reactive properties of the element. */
  static override properties = {
    mode: { reflect: true },
    notice: {},
    busy: { state: true },
    problem: { state: true },
  };

  /** @internal The element's own styles (shadow DOM). */
  static override styles = [
    baseStyles,
    css`
      .switch {
        margin-top: 1em;
      }
    `,
  ];

  /** `sign-in` or `register` (attribute `mode`). @default 'sign-in' */
  declare mode: LoginMode;
  /** A message shown above the form, e.g. why the person must sign in again. */
  declare notice: string;
  declare private busy: boolean;
  declare private problem: string;

  constructor() {
    super();
    this.mode = 'sign-in';
    this.notice = '';
    this.busy = false;
    this.problem = '';
  }

  override render() {
    const registering = this.mode === 'register';
    return html`
      <h2>${registering ? 'Register an account' : 'Log in'}</h2>
      ${this.notice ? html`<p class="error" role="status">${this.notice}</p>` : nothing}
      <form part="form" @submit=${this.submit} aria-busy=${this.busy ? 'true' : 'false'}>
        <div>
          <label for="email">Email</label>
          <input id="email" name="email" type="email" part="input" autocomplete="username"
            required />
        </div>
        <div>
          <label for="password">Password</label>
          <input id="password" name="password" type="password" part="input" required
            minlength=${registering ? 8 : nothing}
            autocomplete=${registering ? 'new-password' : 'current-password'}
            aria-describedby=${registering ? 'password-hint' : nothing} />
          ${registering ? html`<p id="password-hint" class="hint">8 to 72 characters.</p>` : nothing}
        </div>
        ${
          registering
            ? html`<div>
                <label for="name">Name</label>
                <input id="name" name="name" part="input" autocomplete="name"
                  aria-describedby="name-hint" />
                <p id="name-hint" class="hint">(optional)</p>
              </div>`
            : nothing
        }
        ${this.problem ? html`<p class="error" part="error" role="alert">${this.problem}</p>` : nothing}
        <button type="submit" part="button" ?disabled=${this.busy}>
          ${registering ? 'Create account' : 'Sign in'}
        </button>
      </form>
      <p class="switch">
        ${
          registering
            ? html`Already registered? <a href="#" part="link" @click=${this.toSignIn}>Log in</a>`
            : html`New here? <a href="#" part="link" @click=${this.toRegister}>Register an account instead</a>`
        }
      </p>
    `;
  }

  private toSignIn(event: Event) {
    event.preventDefault();
    this.switchTo('sign-in');
  }

  private toRegister(event: Event) {
    event.preventDefault();
    this.switchTo('register');
  }

  private async switchTo(mode: LoginMode) {
    this.mode = mode;
    this.problem = '';
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('#email')?.focus();
  }

  private field(name: string): string {
    return this.renderRoot.querySelector<HTMLInputElement>(`#${name}`)?.value ?? '';
  }

  private async submit(event: Event) {
    event.preventDefault();
    if (this.busy) return;
    const email = this.field('email').trim();
    const password = this.field('password');
    const name = this.field('name').trim();
    this.busy = true;
    this.problem = '';
    const client = this.client;
    try {
      if (this.mode === 'register') {
        try {
          await client.register({ email, password, ...(name ? { name } : {}) });
        } catch (error) {
          if (UaipApiError.isInstance(error) && error.code === 'conflict') {
            throw new UaipApiError(
              409,
              'conflict',
              'An account with this email exists already. Log in instead.',
            );
          }
          throw error;
        }
      }
      const result = await client.login({ email, password });
      this.notice = '';
      const detail: SignedInDetail = { token: result.accessToken, user: result.user };
      emit(this, 'uaip-signed-in', detail);
    } catch (error) {
      this.problem = this.reportError(error);
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'uaip-login': UaipLogin;
  }
}
