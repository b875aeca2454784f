import { css, html, nothing, type ReactiveControllerHost } from 'lit';
import type { UaipClient } from './api-client';
import { UaipApiError } from './api-error';
import type { SharedSessionSummary, WorkflowSummary } from './api-types';
import { dateFormat, standing } from './session-standing';

/**
 * "Shared with me" of the session list: the sessions other people shared with the person
 * (`GET /shared-sessions`), newest first, each with the person's role and where it stands;
 * a page at a time. Absent when the server does not know sharing.
 */
export class SharedSessions {
  /** Null until read. */
  items: SharedSessionSummary[] | null = null;
  nextCursor: string | null = null;
  loading = false;
  problem = '';
  /** False once the server answered 404: it has no sharing routes. */
  private supported = true;
  private reading = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: {
      client: () => UaipClient;
      report: (error: unknown) => string;
    },
  ) {}

  /** Reads the first page again, or the next one after `cursor`. */
  async load(cursor: string | null = null) {
    const reading = ++this.reading;
    this.loading = true;
    this.host.requestUpdate();
    try {
      const page = await this.options.client().sharedSessions({ limit: 20, cursor });
      if (reading !== this.reading) return;
      this.items = cursor ? [...(this.items ?? []), ...page.items] : page.items;
      this.nextCursor = page.nextCursor;
      this.problem = '';
    } catch (error) {
      if (reading !== this.reading) return;
      if (UaipApiError.isInstance(error) && error.status === 404) this.supported = false;
      else this.problem = this.options.report(error);
      this.items ??= [];
    } finally {
      if (reading === this.reading) this.loading = false;
      this.host.requestUpdate();
    }
  }

  /** The section: a heading, the rows (each opens its session), and "Show more". */
  render(workflows: readonly WorkflowSummary[], select: (sessionId: string) => void) {
    const items = this.items;
    if (!this.supported || items === null) return nothing;
    return html`<section aria-labelledby="shared-heading">
      <h2 id="shared-heading">Shared with me</h2>
      ${this.problem ? html`<p class="error" part="error" role="alert">${this.problem}</p>` : nothing}
      ${
        items.length === 0
          ? html`<p class="muted">Nothing yet: sessions other people share with you show here.</p>`
          : html`<ul class="shared" part="list shared">${items.map(
              (item) => html`<li part="item">
              <button type="button" class="secondary" part="button item-button"
                aria-describedby=${`shared-meta-${item.id}`} @click=${() => select(item.id)}>
                ${item.title}
              </button>
              <span id=${`shared-meta-${item.id}`} class="muted">
                <span class="role">${item.role}</span> · ${standing(item, workflows)} ·
                ${dateFormat.format(new Date(item.createdAt))}
              </span>
            </li>`,
            )}</ul>`
      }
      ${
        this.nextCursor
          ? html`<button type="button" class="secondary" part="button" ?disabled=${this.loading}
              @click=${() => void this.load(this.nextCursor)}>Show more shared sessions</button>`
          : nothing
      }
    </section>`;
  }
}

/** @internal Styles of the "Shared with me" section. */
export const sharedSessionsStyles = css`
  .shared {
    list-style: none;
    padding: 0;
    display: grid;
    gap: 0.5em;
  }
  .shared li {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.25em 0.75em;
  }
  .shared button {
    text-align: left;
  }
  .shared .role {
    font-weight: 600;
    color: var(--uaip-text, inherit);
  }
`;
