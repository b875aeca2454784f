import { nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { UaipClient } from './api-client';
import type { Review, Session, SessionEvent } from './api-types';
import type { ReviewPanel } from './review-panel';
import type { Access } from './session-access';

/** What {@link SessionReview} needs of `<uaip-session>`. */
export interface SessionReviewOptions {
  client: () => UaipClient;
  session: () => Session | null;
  access: () => Access | null;
  /** The charter as JSON (the last report of the history); null until read. */
  charterJson: () => unknown;
  root: () => ParentNode;
  /** Keeps the session's event stream open: the review changes live. */
  follow: (sessionId: string) => void;
  /** Reads the charter again: its "Committee review" section and approval line changed. */
  refreshCharter: () => void;
  /** Fires `uaip-error` and returns what to tell the person. */
  report: (error: unknown) => string;
  /** A 403 while asking for a review: the person is no longer the owner. */
  forbidden: (error: unknown) => void;
}

/**
 * The committee review of a completed session: read with it (`GET /sessions/:id/review`),
 * again on every `review.*` event. The review UI itself (its state, the owner's request
 * dialog, a reviewer's vote) is a separate chunk, imported only when the session has a review
 * or its owner can ask for one, so sessions without one do not pay for it.
 */
export class SessionReview implements ReactiveController {
  /** The review as last read; null when there is none (or not read yet). */
  review: Review | null = null;
  /** The review UI once imported. */
  panel: ReviewPanel | null = null;
  private read: string | null = null;
  private importing = false;
  private reading = 0;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    readonly options: SessionReviewOptions,
  ) {
    host.addController(this);
  }

  /** Forgets the review (another session is opened). */
  reset() {
    Object.assign(this, { review: null, read: null });
    this.reading++;
    this.panel?.reset();
  }

  /** Whether the charter's decision calls for the committee (`decision.requiresCommitteeReview`). */
  get callsForCommittee(): boolean {
    const report = this.options.charterJson() as {
      decision?: { requiresCommitteeReview?: unknown };
    } | null;
    return report?.decision?.requiresCommitteeReview === true;
  }

  /** Reads the review again with the session (kept on screen meanwhile). */
  reread() {
    this.read = null;
  }

  hostUpdated() {
    const session = this.options.session();
    if (session?.status !== 'completed') return;
    if (this.read !== session.id) {
      this.read = session.id;
      void this.refresh();
    }
    const wanted =
      this.review !== null || (this.options.access()?.role === 'owner' && this.callsForCommittee);
    if (!wanted) return;
    this.options.follow(session.id);
    if (!this.panel && !this.importing) void this.load();
  }

  /** Reads the review again. */
  async refresh() {
    const session = this.options.session();
    if (!session) return;
    const reading = ++this.reading;
    try {
      const { review } = await this.options.client().review(session.id);
      if (reading !== this.reading) return;
      this.review = review;
      this.host.requestUpdate();
    } catch {
      // A server without the review routes (404), or offline: the charter shows without it.
    }
  }

  /** Keeps a review the server answered with (after a request or a vote). */
  set(review: Review) {
    this.reading++;
    this.review = review;
    this.host.requestUpdate();
  }

  /** A `review.*` event: someone asked, voted, or a revision reopened or closed the review. */
  changed(event: SessionEvent) {
    if (!event.type.startsWith('review.')) return;
    // What the person's last request or vote did is no longer news once someone else moved
    // the review on (their own deciding vote says so itself).
    const mine =
      event.type === 'review.decided' && event.decidedBy === this.options.access()?.me?.id;
    if (
      this.panel &&
      (event.type === 'review.decided' ||
        event.type === 'review.reopened' ||
        event.type === 'review.closed') &&
      !mine
    )
      this.panel.status = '';
    void this.refresh();
    this.options.refreshCharter();
  }

  render(session: Session) {
    return this.panel?.render(session) ?? nothing;
  }

  private async load() {
    this.importing = true;
    try {
      const { ReviewPanel } = await import('./review-panel');
      this.panel = new ReviewPanel(this.host, this);
      this.host.requestUpdate();
    } catch {
      // The chunk could not be fetched (offline): tried again on the next update.
    } finally {
      this.importing = false;
    }
  }
}
