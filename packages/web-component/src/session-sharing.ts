import { html, nothing, type ReactiveControllerHost } from 'lit';
import type { UaipClient } from './api-client';
import type { Session, SessionEvent, SessionRole } from './api-types';
import { emit, type SessionSelectedDetail } from './events';
import { type Access, canWrite, SessionAccess } from './session-access';
import { ShareDialog } from './share-dialog';
import { accessChanged, sentence, shareDialogView, sharingBar } from './sharing-view';

/** What {@link SessionSharing} needs of `<uaip-session>`. */
export interface SessionSharingOptions {
  client: () => UaipClient;
  /** Changes when the token or server does, so the person is read again. */
  key: () => string;
  session: () => Session | null;
  root: () => ParentNode;
  /** Fires `uaip-error` and returns what to tell the person. */
  report: (error: unknown) => string;
  /** Says something at the session's level (why a change was refused). */
  problem: (text: string) => void;
  /**
   * The session is no longer shown: the person left it (then {@link SessionSharing.left} says
   * so, and `uaip-session-left` follows), or its owner stopped sharing it (said as a problem).
   */
  gone: () => void;
}

/**
 * Sharing, as the open session shows it: the person's role (read with the session, and again
 * after a `sharing.changed` event about them or a 403), the owner's "Share" dialog, a member's
 * "Shared with you as …" and "Leave".
 */
export class SessionSharing {
  readonly access: SessionAccess;
  /** Said once the person left the session ("You left …"); '' otherwise. */
  left = '';
  private readonly dialog: ShareDialog;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly options: SessionSharingOptions,
  ) {
    this.access = new SessionAccess(host, options);
    this.dialog = new ShareDialog(host, {
      ...options,
      access: () => this.access.state,
      refresh: () => this.read(),
      forbidden: (error) => void this.forbidden(error),
    });
  }

  /** The person's role; undefined until read. */
  get role(): SessionRole | undefined {
    return this.access.state?.role;
  }

  /** Whether the person may answer and revise (not a viewer). */
  get writable(): boolean {
    return canWrite(this.role);
  }

  /** Reads the role (and members) of `sessionId`, by default the open session's. */
  read(sessionId = this.options.session()?.id, signal?: AbortSignal): Promise<Access | null> {
    return sessionId ? this.access.read(sessionId, signal) : Promise.resolve(null);
  }

  /** Reads the role unless it is known (a session the host handed over). */
  ensure() {
    if (!this.access.state) void this.read();
  }

  /** A `sharing.changed` event: someone's access changed, perhaps the person's own. */
  changed(event: Extract<SessionEvent, { type: 'sharing.changed' }>, session: Session) {
    const me = this.access.state?.me;
    // Leaving announces itself too: "You left" is said once the leave is answered.
    if (this.access.leaving === 'busy') return;
    if (me && event.userId === me.id && event.role === null) {
      this.gone();
      this.options.problem(`Its owner stopped sharing "${session.title}" with you.`);
    } else void this.read();
  }

  /** A 403: the person's role changed meanwhile. Says so, and reads the role again. */
  async forbidden(error: unknown) {
    const said = this.options.report(error);
    this.options.problem(`${sentence(said)} Reading your access again…`);
    const access = await this.read();
    this.options.problem(accessChanged(access?.role ?? null, said));
  }

  /** "Share" and its dialog (the owner), or "Shared with you as …" and "Leave" (a member). */
  render(session: Session) {
    return html`${sharingBar(this.access, session, {
      share: () => void this.dialog.show(),
      leave: () => void this.leave(session),
    })}${this.role === 'owner' ? shareDialogView(this.dialog, session, this.access) : nothing}`;
  }

  private async leave(session: Session) {
    if (!(await this.access.leave(session.id))) return;
    this.left = `You left "${session.title}". Its owner can share it with you again.`;
    this.gone();
    const detail: SessionSelectedDetail = { sessionId: session.id };
    emit(this.host, 'uaip-session-left', detail);
  }

  private gone() {
    this.access.reset();
    this.options.gone();
    this.host.requestUpdate();
  }
}
