import { css, html, nothing, type ReactiveControllerHost } from 'lit';
import type { PageQuery, UaipClient } from './api-client';
import { UaipApiError } from './api-error';
import type { SessionSummary, WorkflowSummary } from './api-types';
import { dateFormat, standing } from './session-standing';

/** What one {@link PagedSessions} section lists, and how it words it. */
export interface PagedSessionsOptions<T extends SessionSummary> {
  client: () => UaipClient;
  report: (error: unknown) => string;
  /** The section's id and its list's class (`shared`, `reviews`). */
  id: string;
  heading: string;
  /** Said when there is nothing to list. */
  empty: string;
  /** What "Show more …" shows more of. */
  more: string;
  page: (
    client: UaipClient,
    query: PageQuery,
  ) => Promise<{ items: T[]; nextCursor: string | null }>;
  /** The row's first, bold word (the person's role, their vote). */
  label: (item: T) => string;
}

/**
 * A section of the session list read from a paged route of sessions other people own: "Shared
 * with me" (`GET /shared-sessions`) and "Awaiting your review" (`GET /reviews?status=open`),
 * newest first, each row with what it is to the person and where the session stands; a page
 * at a time. Absent when the server does not have the route (it answered 404).
 */
export class PagedSessions<T extends SessionSummary> {
  /** Null until read. */
  items: T[] | null = null;
  nextCursor: string | null = null;
  loading = false;
  problem = '';
  /** False once the server answered 404: it has no such route. */
  private supported = true;
  private reading = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: PagedSessionsOptions<T>,
  ) {}

  /** Reads the first page again, or the next one after `cursor`. */
  async load(cursor: string | null = null) {
    const reading = ++this.reading;
    this.loading = true;
    this.host.requestUpdate();
    try {
      const page = await this.options.page(this.options.client(), { limit: 20, cursor });
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
    const { items, options } = this;
    const { id } = options;
    if (!this.supported || items === null) return nothing;
    return html`<section aria-labelledby=${`${id}-heading`}>
      <h2 id=${`${id}-heading`}>${options.heading}</h2>
      ${this.problem ? html`<p class="error" part="error" role="alert">${this.problem}</p>` : nothing}
      ${
        items.length === 0
          ? html`<p class="muted">${options.empty}</p>`
          : html`<ul class=${`others ${id}`} part=${`list ${id}`}>${items.map(
              (item) => html`<li part="item">
              <button type="button" class="secondary" part="button item-button"
                aria-describedby=${`${id}-meta-${item.id}`} @click=${() => select(item.id)}>
                ${item.title}
              </button>
              <span id=${`${id}-meta-${item.id}`} class="muted">
                <span class="role">${options.label(item)}</span> · ${standing(item, workflows)} ·
                ${dateFormat.format(new Date(item.createdAt))}
              </span>
            </li>`,
            )}</ul>`
      }
      ${
        this.nextCursor
          ? html`<button type="button" class="secondary" part="button" ?disabled=${this.loading}
              @click=${() => void this.load(this.nextCursor)}>Show more ${options.more}</button>`
          : nothing
      }
    </section>`;
  }
}

/** @internal Styles of the sections of sessions other people own. */
export const sharedSessionsStyles = css`
  .others {
    list-style: none;
    padding: 0;
    display: grid;
    gap: 0.5em;
  }
  .others li {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.25em 0.75em;
  }
  .others button {
    text-align: left;
  }
  .others .role {
    font-weight: 600;
    color: var(--uaip-text, inherit);
  }
`;
