import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { UaipClient } from './api-client';
import type { Session } from './api-types';
import { type ReportChanges, reportChanges } from './report-changes';

/**
 * The charter of a completed session, read once (again after a revision rebuilt it), with
 * what changed since its previous version; and the "scroll sideways" hints of its wide
 * tables, kept right as the element is resized.
 */
export class CompletedCharter implements ReactiveController {
  /** The charter's Markdown; null until read. */
  markdown: string | null = null;
  /** What changed since the previous version; null when there is none (or no history). */
  changes: ReportChanges | null = null;
  /** The charter as JSON: the last report of the history; null until read (or no history). */
  report: unknown = null;
  private reading: string | null = null;
  // Next frame: showing a hint changes the layout the observer is reporting on.
  private readonly resized =
    typeof ResizeObserver === 'undefined'
      ? null
      : new ResizeObserver(() => requestAnimationFrame(() => this.markScrolling()));

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly options: {
      client: () => UaipClient;
      root: () => ParentNode;
      fail: (error: unknown, retry: () => void) => void;
    },
  ) {
    host.addController(this);
  }

  hostConnected() {
    this.resized?.observe(this.host);
  }

  hostDisconnected() {
    this.resized?.disconnect();
  }

  hostUpdated() {
    this.markScrolling();
  }

  /** Forgets the charter, so it is read again. */
  reset() {
    this.markdown = null;
    this.changes = null;
    this.report = null;
    this.reading = null;
  }

  /** Reads the charter and the changes of `session` unless read (or being read) already. */
  ensure(session: Session) {
    if (this.markdown !== null || this.reading === session.id) return;
    this.reading = session.id;
    void this.readCharter(session);
    void this.readChanges(session);
  }

  /** Reads the charter's Markdown again, the one shown staying until the new one arrives. */
  refresh(session: Session) {
    this.reading = session.id;
    void this.readCharter(session);
  }

  private async readCharter(session: Session) {
    try {
      const blob = await this.options.client().charter(session.id, 'md');
      const text = await blob.text();
      if (this.reading !== session.id) return;
      this.markdown = text;
      this.host.requestUpdate();
    } catch (error) {
      if (this.reading === session.id) this.reading = null;
      this.options.fail(error, () => this.ensure(session));
    }
  }

  private async readChanges(session: Session) {
    try {
      const { reports } = await this.options.client().history(session.id);
      if (this.reading !== session.id) return;
      const [previous, last] = reports.slice(-2);
      this.changes = previous && last ? reportChanges(previous.report, last.report) : null;
      this.report = reports.at(-1)?.report ?? null;
      this.host.requestUpdate();
    } catch {
      // A server without the history route: the charter shows without the comparison.
    }
  }

  private markScrolling() {
    for (const table of this.options.root().querySelectorAll<HTMLElement>('.table')) {
      const hint = table.previousElementSibling as HTMLElement | null;
      if (hint?.classList.contains('scroll-hint'))
        hint.hidden = table.scrollWidth <= table.clientWidth + 1;
    }
  }
}
