import { css, html, nothing, type PropertyValues } from 'lit';
import { ApiElement, isAbort } from './api-element';
import type {
  ReviewAssignment,
  SessionSummary,
  SharedSessionSummary,
  WorkflowSummary,
} from './api-types';
import { emit, type SessionDetail, type SessionSelectedDetail } from './events';
import { dateFormat, standing } from './session-standing';
import { PagedSessions, sharedSessionsStyles } from './shared-sessions';
import { IDEA_DRAFT_KEY, readStored, writeStored } from './storage';
import { baseStyles } from './styles';

/**
 * The signed-in person's sessions, newest first, each with where it stands (the current stage,
 * or the decision of a completed one), and a form to start a new one from a business idea. A
 * session can be deleted from the list, after a confirmation. Below, "Awaiting your review":
 * the sessions whose open committee review names the person; and "Shared with me": the
 * sessions other people shared with the person, with their role in each. "Import a session"
 * takes a file saved with "Export session" (JSON, up to 5 MB) and stores it as a new session
 * of the person's, which is opened (the list is read again: the copy keeps the exported
 * session's creation time, so it sits where the server sorts it); what the server refused in it
 * is said with the paths. Fires `uaip-session-started` (`{ session }`) after creating one and
 * `uaip-session-selected` (`{ sessionId }`) when one (theirs, shared or just imported) is picked. The idea being typed is kept in sessionStorage until the session starts.
 */
export class UaipSessionList extends ApiElement {
  /** @internal Lit's reactive properties of the element. */
  static override properties = {
    items: { state: true },
    nextCursor: { state: true },
    loading: { state: true },
    busy: { state: true },
    problem: { state: true },
    workflows: { state: true },
    confirming: { state: true },
    deleting: { state: true },
    importing: { state: true },
  };

  /** @internal The element's own styles (shadow DOM). */
  static override styles = [
    baseStyles,
    sharedSessionsStyles,
    css`
      .sessions {
        list-style: none;
        padding: 0;
        display: grid;
        gap: 0.5em;
      }
      .sessions li {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 0.25em 0.75em;
      }
      .sessions button {
        text-align: left;
      }
      .sessions .delete {
        margin-left: auto;
        padding: 0.25em 0.6em;
        font-size: 0.85em;
      }
    `,
  ];

  declare private items: SessionSummary[] | null;
  declare private nextCursor: string | null;
  declare private loading: boolean;
  declare private busy: boolean;
  declare private problem: string;
  /** The workflows' stage titles, to say where each session stands. */
  declare private workflows: WorkflowSummary[];
  /** The session whose deletion waits for a confirmation. */
  declare private confirming: string | null;
  declare private deleting: boolean;
  declare private importing: boolean;
  private abort: AbortController | null = null;
  private readonly shared = new PagedSessions<SharedSessionSummary>(this, {
    client: () => this.client,
    report: (error) => this.reportError(error),
    id: 'shared',
    heading: 'Shared with me',
    empty: 'Nothing yet: sessions other people share with you show here.',
    more: 'shared sessions',
    page: (client, query) => client.sharedSessions(query),
    label: (item) => item.role,
  });
  private readonly toReview = new PagedSessions<ReviewAssignment>(this, {
    client: () => this.client,
    report: (error) => this.reportError(error),
    id: 'reviews',
    heading: 'Awaiting your review',
    empty: 'Nothing awaits your review: sessions whose committee review names you show here.',
    more: 'reviews',
    page: (client, query) => client.reviews({ ...query, status: 'open' }),
    // Still open after the person's vote: the others have not all voted yet.
    label: ({ review }) =>
      review.vote === null
        ? 'to review'
        : `you ${review.vote === 'approve' ? 'approved' : 'rejected'}`,
  });

  constructor() {
    super();
    this.items = null;
    this.nextCursor = null;
    this.loading = false;
    this.busy = false;
    this.problem = '';
    this.workflows = [];
    this.confirming = null;
    this.deleting = false;
    this.importing = false;
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.abort?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    // Load with the first token, and again whenever the token or the server changes.
    if ((changed.has('token') || changed.has('apiBase')) && this.token) void this.load();
  }

  protected override firstUpdated() {
    const box = this.renderRoot.querySelector<HTMLTextAreaElement>('#idea');
    if (box) box.value = readStored(IDEA_DRAFT_KEY) ?? '';
  }

  /** Loads the first page again (e.g. after the host changed something). */
  async reload(): Promise<void> {
    await this.load();
  }

  private async load(cursor: string | null = null) {
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    this.loading = true;
    if (!cursor) {
      void this.loadWorkflows(abort.signal);
      void this.shared.load();
      void this.toReview.load();
    }
    try {
      const page = await this.client.listSessions({ limit: 20, cursor });
      if (abort.signal.aborted) return;
      this.items = cursor ? [...(this.items ?? []), ...page.items] : page.items;
      this.nextCursor = page.nextCursor;
      this.problem = '';
    } catch (error) {
      if (abort.signal.aborted || isAbort(error)) return;
      this.items ??= [];
      this.problem = this.reportError(error);
    } finally {
      if (this.abort === abort) this.loading = false;
    }
  }

  private async loadWorkflows(signal: AbortSignal) {
    try {
      const { items } = await this.client.workflows();
      if (!signal.aborted) this.workflows = items;
    } catch {
      // Without stage titles an active session says only "in progress".
    }
  }

  override render() {
    return html`
      <h2>Start a new session</h2>
      <form part="form" @submit=${this.start}>
        <div>
          <label for="idea">Business idea</label>
          <textarea id="idea" name="idea" part="textarea" maxlength="2000" required
            aria-describedby="idea-hint"
            @input=${this.keepIdea} @keydown=${this.shortcut}></textarea>
          <p id="idea-hint" class="hint">
            A few sentences on the problem you want AI to help with. Ctrl+Enter sends it.
          </p>
        </div>
        <button type="submit" part="button" ?disabled=${this.busy}>Start session</button>
      </form>
      <p>
        <button type="button" class="secondary" part="button import-button"
          aria-describedby="import-hint" ?disabled=${!this.token || this.importing}
          aria-busy=${this.importing} @click=${this.pickFile}>Import a session</button>
        <input type="file" accept="application/json,.json" aria-label="Session export file" hidden
          @change=${this.importFile}>
      </p>
      <p id="import-hint" class="hint">A .json file saved with "Export session" becomes a new session of yours.</p>
      ${
        this.busy || this.importing
          ? html`<p role="status"><span class="spinner" part="spinner" aria-hidden="true"></span> ${this.busy ? 'Preparing the first question…' : 'Importing the session…'}</p>`
          : nothing
      }
      ${this.problem ? html`<p class="error" part="error" role="alert">${this.problem}</p>` : nothing}
      <h2>Your sessions</h2>
      ${this.renderItems()}
      ${this.token ? this.toReview.render(this.workflows, (id) => this.select(id)) : nothing}
      ${this.token ? this.shared.render(this.workflows, (id) => this.select(id)) : nothing}
    `;
  }

  private renderItems() {
    const items = this.items;
    if (!this.token) return html`<p class="muted">Sign-in needed to list them.</p>`;
    if (items === null) return html`<p class="muted" role="status">Loading…</p>`;
    if (items.length === 0) {
      return html`<p class="muted">No sessions yet: describe an idea above to begin.</p>`;
    }
    return html`
      <ul class="sessions" part="list">
        ${items.map(
          (item) => html`<li part="item">
            <button type="button" class="secondary" part="button item-button"
              aria-describedby=${`meta-${item.id}`} @click=${() => this.select(item.id)}>
              ${item.title}
            </button>
            <span id=${`meta-${item.id}`} class="muted">
              ${standing(item, this.workflows)} · ${dateFormat.format(new Date(item.createdAt))}
            </span>
            <button type="button" class="secondary delete" part="button delete-button"
              id=${`delete-${item.id}`} aria-label=${`Delete "${item.title}"`} ?disabled=${this.deleting}
              @click=${() => this.askToDelete(item.id)}>Delete</button>
            ${
              this.confirming === item.id
                ? html`<p class="confirm" part="confirm" role="alertdialog"
                    aria-labelledby=${`confirm-${item.id}`}>
                    <span id=${`confirm-${item.id}`}>Delete "${item.title}" and its answers for good?</span>
                    <button type="button" class="danger" part="button" ?disabled=${this.deleting}
                      @click=${() => this.deleteSession(item.id)}>Delete for good</button>
                    <button type="button" class="secondary" part="button"
                      @click=${this.cancelDelete}>Keep it</button>
                  </p>`
                : nothing
            }
          </li>`,
        )}
      </ul>
      ${
        this.nextCursor
          ? html`<button type="button" class="secondary" part="button"
              ?disabled=${this.loading} @click=${() => this.load(this.nextCursor)}>
              Show older sessions
            </button>`
          : nothing
      }
    `;
  }

  private askToDelete(sessionId: string) {
    this.confirming = sessionId;
    this.problem = '';
    // The confirmation takes the focus, so a keyboard user lands on the choice.
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLButtonElement>('.confirm .secondary')?.focus(),
    );
  }

  private readonly cancelDelete = () => {
    const id = this.confirming;
    this.confirming = null;
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLButtonElement>(`#delete-${CSS.escape(id ?? '')}`)?.focus(),
    );
  };

  private async deleteSession(sessionId: string) {
    if (this.deleting) return;
    this.deleting = true;
    try {
      await this.client.deleteSession(sessionId);
      this.items = (this.items ?? []).filter((item) => item.id !== sessionId);
      this.confirming = null;
    } catch (error) {
      this.problem = this.reportError(error);
    } finally {
      this.deleting = false;
    }
  }

  private select(sessionId: string) {
    const detail: SessionSelectedDetail = { sessionId };
    emit(this, 'uaip-session-selected', detail);
  }

  /** "Import a session" opens the browser's file picker. */
  private pickFile() {
    this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click();
  }

  /**
   * A file picked under "Import a session": read, checked and sent by a chunk imported now;
   * the list's first page is read again and the new session is opened.
   */
  private async importFile(event: Event) {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    // Picking the same file again (after fixing it) is a change too.
    input.value = '';
    if (!file || this.importing) return;
    this.importing = true;
    this.problem = '';
    try {
      const { importFile } = await import('./session-import');
      const outcome = await importFile(this.client, file, (error) => this.reportError(error));
      if (typeof outcome === 'string') this.problem = outcome;
      else {
        // The first page again, in the server's order (an import keeps its creation time, so
        // it need not be first), rather than a guess that "Show older sessions" would repeat.
        void this.load();
        // Selected, not handed over: the host reads it with its answers.
        this.select(outcome.id);
      }
    } catch (error) {
      // The chunk could not be fetched (offline).
      this.problem = this.reportError(error);
    } finally {
      this.importing = false;
    }
  }

  private keepIdea(event: Event) {
    writeStored(IDEA_DRAFT_KEY, (event.target as HTMLTextAreaElement).value);
  }

  private shortcut(event: KeyboardEvent) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      this.renderRoot.querySelector('form')?.requestSubmit();
    }
  }

  private async start(event: Event) {
    event.preventDefault();
    const box = this.renderRoot.querySelector<HTMLTextAreaElement>('#idea');
    const idea = box?.value.trim() ?? '';
    if (this.busy || !idea) return;
    this.busy = true;
    this.problem = '';
    try {
      const session = await this.client.createSession({ idea });
      writeStored(IDEA_DRAFT_KEY, null);
      if (box) box.value = '';
      this.items = [session, ...(this.items ?? [])];
      const detail: SessionDetail = { session };
      emit(this, 'uaip-session-started', detail);
    } catch (error) {
      this.problem = this.reportError(error);
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'uaip-session-list': UaipSessionList;
  }
}
