import type { ReactiveControllerHost } from 'lit';
import type { UaipClient } from './api-client';
import { UaipApiError } from './api-error';
import type { Member, MemberRole, Session } from './api-types';
import type { Access } from './session-access';

/** What {@link ShareDialog} needs of the element that hosts it. */
export interface ShareDialogOptions {
  client: () => UaipClient;
  session: () => Session | null;
  access: () => Access | null;
  /** Reads the role and the members again. */
  refresh: () => Promise<Access | null>;
  /** The host's shadow root, where the dialog and the focus are. */
  root: () => ParentNode;
  /** Fires `uaip-error` and returns what to tell the person. */
  report: (error: unknown) => string;
  /** A 403: the person is no longer the owner (the host says so and reads the role again). */
  forbidden: (error: unknown) => void;
}

/** How a member is named in the dialog: their name and email, or what the server has. */
export const memberLabel = (member: Member) =>
  member.name && member.email
    ? `${member.name} (${member.email})`
    : (member.email ?? member.name ?? member.userId);

/** How a member is named in a control's accessible name ("Remove bob@example.com"). */
export const memberKey = (member: Member) => member.email ?? member.name ?? member.userId;

const ROLE_WORDS: Record<MemberRole, string> = {
  viewer: 'can read it',
  editor: 'can answer and edit',
};

/**
 * The owner's "Share" dialog: add an account by email as viewer or editor, change a member's
 * role, remove a member (after a confirmation). A native modal `<dialog>`: the focus moves to
 * "Email" when it opens and back to "Share" when it closes, Escape closes it. What went wrong
 * is said in the dialog, and the typed email is kept.
 */
export class ShareDialog {
  open = false;
  email = '';
  role: MemberRole = 'viewer';
  busy = false;
  problem = '';
  /** What the last change did, announced politely. */
  status = '';
  /** The member whose removal waits for a confirmation. */
  confirming: string | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: ShareDialogOptions,
  ) {}

  private get dialog() {
    return this.options.root().querySelector<HTMLDialogElement>('dialog.share');
  }

  /** Opens the dialog with the members read again, the focus on "Email". */
  async show() {
    Object.assign(this, { open: true, problem: '', status: '', confirming: null });
    this.host.requestUpdate();
    void this.options.refresh();
    await this.host.updateComplete;
    const dialog = this.dialog;
    if (dialog && !dialog.open) dialog.showModal();
    this.focus('#share-email');
  }

  /** Closes it (its `close` event then gives the focus back to "Share"). */
  close() {
    this.dialog?.close();
  }

  /** The dialog closed (Close, Escape, or the host): the focus goes back to "Share". */
  closed() {
    if (!this.open) return;
    this.open = false;
    this.confirming = null;
    this.host.requestUpdate();
    this.focus('button.share-open');
  }

  /** Keeps what is typed. */
  input(email: string) {
    this.email = email;
  }

  async add() {
    const session = this.options.session();
    const email = this.email.trim();
    if (!session || this.busy || !email) return;
    const me = this.options.access()?.me;
    if (me && me.email.toLowerCase() === email.toLowerCase()) {
      this.say(
        'That is your own address: you own this session already. Share it with someone else.',
      );
      return;
    }
    const known = this.options
      .access()
      ?.members.some((member) => member.email?.toLowerCase() === email.toLowerCase());
    await this.run(async () => {
      const { member } = await this.options.client().share(session.id, { email, role: this.role });
      this.email = '';
      this.status = known
        ? `${memberLabel(member)} is now ${article(member.role)} and ${ROLE_WORDS[member.role]}.`
        : `Shared with ${memberLabel(member)} as ${article(member.role)}: they ${ROLE_WORDS[member.role]}.`;
    }, email);
  }

  async changeRole(member: Member, role: MemberRole) {
    const session = this.options.session();
    if (!session || this.busy || role === member.role) return;
    await this.run(async () => {
      await this.options.client().changeRole(session.id, member.userId, role);
      this.status = `${memberLabel(member)} is now ${article(role)} and ${ROLE_WORDS[role]}.`;
    });
  }

  /** Asks first; the confirmation takes the focus. */
  askToRemove(member: Member) {
    this.confirming = member.userId;
    this.host.requestUpdate();
    this.focus('.confirm button.secondary');
  }

  cancelRemove() {
    const userId = this.confirming;
    this.confirming = null;
    this.host.requestUpdate();
    this.focus(`button[data-remove="${CSS.escape(userId ?? '')}"]`);
  }

  async remove(member: Member) {
    const session = this.options.session();
    if (!session || this.busy) return;
    await this.run(async () => {
      await this.options.client().unshare(session.id, member.userId);
      this.confirming = null;
      this.status = `${memberLabel(member)} no longer has access.`;
      this.focus('#share-email');
    });
  }

  /** Runs a change, then reads the members again; says what went wrong in the dialog. */
  private async run(change: () => Promise<void>, email?: string) {
    const session = this.options.session()!;
    Object.assign(this, { busy: true, problem: '', status: '' });
    this.host.requestUpdate();
    try {
      await change();
    } catch (error) {
      const code = UaipApiError.isInstance(error) ? error.code : '';
      if (code === 'forbidden') {
        this.busy = false;
        this.close();
        this.options.forbidden(error);
        return;
      }
      this.problem = await this.explain(error, session, email);
    }
    this.busy = false;
    await this.options.refresh();
    this.host.requestUpdate();
  }

  private async explain(error: unknown, session: Session, email?: string): Promise<string> {
    const said = this.options.report(error);
    if (!UaipApiError.isInstance(error)) return said;
    if (error.code === 'validation_failed') {
      const details = error.details.map((detail) => detail.message.replace(/\.$/, ''));
      return `${details.join('. ') || error.message.replace(/\.$/, '')}.`;
    }
    if (error.code !== 'not_found') return said;
    // The same 404 for an unknown email and a session gone: the members say which.
    const exists = await this.options
      .client()
      .members(session.id)
      .then(
        () => true,
        () => false,
      );
    if (!exists) return said;
    return email
      ? `No account uses ${email}. Ask them to create an account first, then share again.`
      : 'That person no longer has access: the list below is read again.';
  }

  private say(problem: string) {
    this.problem = problem;
    this.host.requestUpdate();
  }

  private focus(selector: string) {
    void this.host.updateComplete.then(() =>
      this.options.root().querySelector<HTMLElement>(selector)?.focus(),
    );
  }
}

/** "a viewer", "an editor". */
export const article = (role: MemberRole) => (role === 'editor' ? 'an editor' : 'a viewer');
