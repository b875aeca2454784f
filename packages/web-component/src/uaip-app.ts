import { css, html, nothing } from 'lit';
import { ApiElement } from './api-element';
import type { Health, Session, User } from './api-types';
import type { SessionDetail, SessionSelectedDetail, SignedInDetail } from './events';
import { clearDrafts, readStored, TOKEN_KEY, writeStored } from './storage';
import { baseStyles } from './styles';

/** Parts of the inner elements re-exported so a page can style them through `<uaip-app>`. */
const INNER_PARTS =
  'form, input, textarea, button, link, error, list, item, item-button, delete-button, import-button, confirm, spinner, title, usage, export-button, progress, stage, stage-active, stage-completed, stage-pending, stage-stale, stage-paused, open-items, notice, question, meta, original, text, issues, status, artifact, charter, scroll-hint, download, answers, answer, edit-button, editor, preview, changes, select, sharing, share-button, share-dialog, member, remove-button, shared-note, leave-button, waiting, shared';

const HASH_PREFIX = '#session=';

function sessionFromHash(): string | null {
  const hash = globalThis.location?.hash ?? '';
  return hash.startsWith(HASH_PREFIX) ? decodeURIComponent(hash.slice(HASH_PREFIX.length)) : null;
}

/**
 * The whole drop-in UI: sign in or create an account, the list of sessions, the open session,
 * and a banner while the server's `/health` is degraded (with what to do about it).
 * The token is kept in sessionStorage and the open session in the URL hash (`#session=<id>`),
 * so a reload continues where it was; the attribute `no-persist` turns both off. A 401 from
 * any request shows the sign-in again, keeping the open session and what was typed.
 *
 * @example
 * ```html
 * <script type="module" src="/uaip-web-component.js"></script>
 * <uaip-app api-base="/api/v1"></uaip-app>
 * ```
 */
export class UaipApp extends ApiElement {
  /** @internal Lit's reactive properties of the element. */
  static override properties = {
    sessionId: { attribute: 'session-id' },
    noPersist: { attribute: 'no-persist', type: Boolean },
    healthInterval: { attribute: 'health-interval', type: Number },
    health: { state: true },
    user: { state: true },
    notice: { state: true },
    demo: { state: true },
    started: { state: true },
    headerError: { state: true },
  };

  /** @internal The element's own styles (shadow DOM). */
  static override styles = [
    baseStyles,
    css`
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5em 1em;
        border-bottom: 1px solid var(--uaip-border, #8c959f);
        padding-bottom: 0.5em;
        margin-bottom: 1em;
      }
      .brand {
        font-weight: 700;
        margin: 0;
        margin-right: auto;
      }
      .error {
        margin: 0;
        color: var(--uaip-error, #b42318);
      }
      .degraded {
        border: 2px solid var(--uaip-warning, #b35900);
        background: var(--uaip-warning-surface, #fff4e5);
        border-radius: var(--uaip-radius, 6px);
        padding: 0.5em 0.75em;
        margin: 0 0 1em;
      }
      .degraded p,
      .degraded ul {
        margin: 0.25em 0;
      }
      .badge {
        font-size: 0.8em;
        font-weight: 700;
        text-transform: uppercase;
        border-radius: 999px;
        padding: 0.1em 0.6em;
        color: var(--uaip-badge-text, #5c3b00);
        background: var(--uaip-badge, #ffd866);
      }
    `,
  ];

  /** The open session (attribute `session-id`); mirrored in the URL hash. */
  declare sessionId: string | null;
  /** When set, neither the token nor the open session is kept across reloads. */
  declare noPersist: boolean;
  /**
   * How often `/health` is read again, in milliseconds (attribute `health-interval`), so a
   * banner shows while no language model is reachable and goes once one is; 0 reads it once.
   * @default 30000
   */
  declare healthInterval: number;
  declare private health: Health | null;
  declare private user: User | null;
  declare private notice: string;
  declare private demo: boolean;
  declare private started: Session | null;
  /** Why signing out everywhere failed (the person is still signed in). */
  declare private headerError: string;

  constructor() {
    super();
    this.sessionId = null;
    this.noPersist = false;
    this.healthInterval = 30_000;
    this.health = null;
    this.user = null;
    this.notice = '';
    this.demo = false;
    this.started = null;
    this.headerError = '';
    // Errors of the inner elements bubble here; a 401 means the token is no longer good.
    this.addEventListener('uaip-error', (event) => {
      if (event.detail.code === 'unauthorized') this.expire();
    });
  }

  override connectedCallback() {
    super.connectedCallback();
    if (!this.noPersist) {
      this.token ??= readStored(TOKEN_KEY);
      this.sessionId = sessionFromHash() ?? this.sessionId;
      window.addEventListener('hashchange', this.onHashChange);
    }
    void this.refreshHealth();
    if (this.token && !this.user) void this.loadUser();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHashChange);
    if (this.healthTimer !== undefined) clearTimeout(this.healthTimer);
    this.healthTimer = undefined;
  }

  override render() {
    return html`
      <header part="header">
        <p class="brand">AI project scoping</p>
        ${this.demo ? html`<span class="badge" part="badge" title="Answers are scored by the offline demo provider, not a real LLM">demo</span>` : nothing}
        ${
          this.token
            ? html`<span class="muted">${this.user?.email ?? ''}</span>
                <button type="button" class="secondary" part="button" @click=${this.signOut}>Sign out</button>
                <button type="button" class="secondary" part="button" @click=${this.signOutEverywhere}>Sign out everywhere</button>`
            : nothing
        }
        ${this.headerError ? html`<p class="error" role="alert">${this.headerError}</p>` : nothing}
      </header>
      ${this.renderHealth()}
      ${this.renderMain()}
    `;
  }

  /** A banner while the server says it is degraded: what is down, and what to do about it. */
  private renderHealth() {
    const health = this.health;
    if (health?.status !== 'degraded') return nothing;
    const storageDown = !health.checks.storage.ok;
    const failing = health.checks.llm.filter((check) => !check.ok);
    const noModel = !health.checks.llm.some((check) => check.ok);
    return html`<section class="degraded" part="health-banner" role="alert">
      <p><strong>${
        storageDown
          ? 'The server cannot reach its database: nothing can be saved right now.'
          : 'No language model is reachable: answers cannot be scored right now.'
      }</strong></p>
      ${noModel && !storageDown ? html`<p>${health.hint ?? 'What you type is kept; send it again once the server can reach a model.'}</p>` : nothing}
      ${
        failing.length > 0
          ? html`<ul>${failing.map((check) => html`<li>${check.provider}: ${check.detail ?? 'not reachable'}</li>`)}</ul>`
          : noModel
            ? html`<p class="muted">The server has no language model configured.</p>`
            : nothing
      }
    </section>`;
  }

  private renderMain() {
    if (!this.token) {
      return html`<uaip-login exportparts=${INNER_PARTS} .apiBase=${this.apiBase}
        .fetch=${this.fetch} .notice=${this.notice} @uaip-signed-in=${this.onSignedIn}>
      </uaip-login>`;
    }
    if (!this.sessionId) {
      return html`<uaip-session-list exportparts=${INNER_PARTS} .apiBase=${this.apiBase}
        .fetch=${this.fetch} .token=${this.token} @uaip-session-started=${this.onStarted}
        @uaip-session-selected=${this.onSelected}></uaip-session-list>`;
    }
    const started = this.started?.id === this.sessionId ? this.started : null;
    return html`
      <p><a href="#" part="link" @click=${this.back}>← All sessions</a></p>
      <uaip-session exportparts=${INNER_PARTS} .apiBase=${this.apiBase} .fetch=${this.fetch}
        .token=${this.token} .session=${started} .sessionId=${this.sessionId}
        @uaip-session-left=${this.onLeft}></uaip-session>
    `;
  }

  private readonly onHashChange = () => {
    this.sessionId = sessionFromHash();
  };

  private healthTimer: ReturnType<typeof setTimeout> | undefined;

  /** Reads `/health` again now: the demo badge, and the banner while the server is degraded. */
  async refreshHealth(): Promise<void> {
    if (this.healthTimer !== undefined) clearTimeout(this.healthTimer);
    this.healthTimer = undefined;
    try {
      const health = await this.client.health();
      this.health = health;
      this.demo = health.checks.llm.some((check) => check.demo === true);
    } catch {
      // No badge or banner when /health cannot be read; the rest works without it.
    }
    if (this.isConnected && this.healthInterval > 0) {
      this.healthTimer = setTimeout(() => void this.refreshHealth(), this.healthInterval);
    }
  }

  private async loadUser() {
    try {
      this.user = (await this.client.me()).user;
    } catch (error) {
      // A 401 here comes back through the uaip-error listener.
      this.reportError(error);
    }
  }

  private onSignedIn(event: CustomEvent<SignedInDetail>) {
    this.user = event.detail.user;
    this.notice = '';
    this.setToken(event.detail.token);
  }

  private onStarted(event: CustomEvent<SessionDetail>) {
    this.started = event.detail.session;
    this.open(event.detail.session.id);
  }

  private onSelected(event: CustomEvent<SessionSelectedDetail>) {
    this.open(event.detail.sessionId);
  }

  /** Left a shared session (or its owner stopped sharing it): back to the list. */
  private onLeft() {
    this.open(null);
  }

  /** A 401 anywhere: sign in again; the hash and the drafts stay, so nothing is lost. */
  private expire() {
    this.notice = 'Your sign-in has expired. Sign in again to continue where you were.';
    this.setToken(null);
  }

  private setToken(token: string | null) {
    this.token = token;
    if (!this.noPersist) writeStored(TOKEN_KEY, token);
  }

  private open(sessionId: string | null) {
    this.sessionId = sessionId;
    if (this.noPersist) return;
    // A new history entry, so the browser's Back returns to the list.
    if (sessionId) location.hash = `session=${encodeURIComponent(sessionId)}`;
    else if (location.hash.startsWith(HASH_PREFIX)) {
      history.pushState(null, '', location.pathname + location.search);
    }
  }

  private back(event: Event) {
    event.preventDefault();
    this.open(null);
  }

  /** Revokes every token on the server first: only then is "everywhere" true. */
  private async signOutEverywhere() {
    this.headerError = '';
    try {
      await this.client.logoutEverywhere();
    } catch (error) {
      // A 401 signs out through the uaip-error listener; anything else leaves the person in.
      const text = this.reportError(error);
      if (this.token) this.headerError = `Could not sign out everywhere: ${text}`;
      return;
    }
    this.signOut();
    this.notice = 'You are signed out on every device.';
  }

  private signOut() {
    this.headerError = '';
    clearDrafts();
    this.user = null;
    this.started = null;
    this.setToken(null);
    this.open(null);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'uaip-app': UaipApp;
  }
}
