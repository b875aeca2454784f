import type { ReactiveControllerHost } from 'lit';
import type { UaipApiError } from './api-error';
import type { Review, ReviewVote, Session } from './api-types';
import { reviewStyles, reviewView } from './review-view';
import type { SessionReview } from './session-review';

// This chunk imports nothing of the main bundle but Lit (only types), so it stays one file
// fetched on demand rather than splitting what the main bundle shares with it into another.

/** `text` ending with a full stop. */
const sentence = (text: string) => (/[.!?…]$/.test(text) ? text : `${text}.`);
/** The error's contract fields, when it is a {@link UaipApiError}. */
const fields = (error: unknown) => error as Partial<Pick<UaipApiError, 'code' | 'details'>>;

/** The reviewers' rows the dialog opens with. */
const ONE_ROW = [''];

/**
 * The committee review UI of `<uaip-session>` (a chunk imported on demand, see
 * {@link SessionReview}): the review's state with the charter, the owner's "Request committee
 * review" dialog (a native modal `<dialog>`: reviewers by email, optionally how many
 * approvals and a note; what went wrong said in it, on the row it is about, the typed values
 * kept), and a reviewer's "Approve" / "Reject" with a required comment.
 */
export class ReviewPanel {
  /** The request dialog. */
  open = false;
  emails: string[] = ONE_ROW;
  approvals = '';
  note = '';
  busy = false;
  problem = '';
  /** What went wrong with each reviewer's row, by row. */
  rowProblems: string[] = [];
  /** The reviewer's comment, kept until their vote is recorded. */
  comment = '';
  voting: ReviewVote | null = null;
  voteProblem = '';
  /** What the last request or vote did, announced politely. */
  status = '';

  constructor(
    private readonly host: ReactiveControllerHost,
    readonly review: SessionReview,
  ) {
    // The host's styles are fixed when it is defined: this chunk's join its shadow root.
    const root = review.options.root();
    const sheet = reviewStyles.styleSheet;
    if (sheet && root instanceof ShadowRoot)
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  }

  get access() {
    return this.review.options.access();
  }

  /** Another session is opened: nothing typed for this one is kept. */
  reset() {
    Object.assign(this, { emails: ONE_ROW, approvals: '', note: '', comment: '', status: '' });
    Object.assign(this, { problem: '', rowProblems: [], voteProblem: '' });
  }

  render(session: Session) {
    return reviewView(this, session);
  }

  private get dialog() {
    return this.review.options.root().querySelector<HTMLDialogElement>('dialog.review');
  }

  /** Opens the dialog, the reviewers of the current round filled in, the focus on the first. */
  async show() {
    const current = this.review.review?.current;
    if (this.emails.every((email) => !email) && current)
      this.emails = current.reviewers.map((reviewer) => reviewer.email ?? '').filter(Boolean);
    if (this.emails.length === 0) this.emails = ONE_ROW;
    Object.assign(this, { open: true, problem: '', rowProblems: [] });
    this.host.requestUpdate();
    await this.host.updateComplete;
    const dialog = this.dialog;
    if (dialog && !dialog.open) dialog.showModal();
    this.focus('#review-email-0');
  }

  close() {
    this.dialog?.close();
  }

  /** The dialog closed (Cancel, Escape, a request sent): the focus goes back to its button. */
  closed() {
    if (!this.open) return;
    this.open = false;
    this.host.requestUpdate();
    this.focus('button.review-open');
  }

  /** Keeps what is typed; a row's problem goes once it is edited (the rest stay said). */
  input(index: number, email: string) {
    this.emails = this.emails.map((value, at) => (at === index ? email : value));
    if (!this.rowProblems[index]) return;
    this.rowProblems = this.rowProblems.map((text, at) => (at === index ? '' : text));
    if (!this.rowProblems.some(Boolean)) this.problem = '';
    this.host.requestUpdate();
  }

  /** Keeps the comment; "a comment is required" goes once there is one. */
  write(comment: string) {
    this.comment = comment;
    if (this.voteProblem && comment.trim() && !this.voting) {
      this.voteProblem = '';
      this.host.requestUpdate();
    }
  }

  addRow() {
    this.emails = [...this.emails, ''];
    this.host.requestUpdate();
    this.focus(`#review-email-${this.emails.length - 1}`);
  }

  removeRow(index: number) {
    this.emails = this.emails.filter((_, at) => at !== index);
    this.rowProblems = this.rowProblems.filter((_, at) => at !== index);
    this.host.requestUpdate();
    this.focus(`#review-email-${Math.min(index, this.emails.length - 1)}`);
  }

  /** Sends the request (`POST /sessions/:id/review`); the dialog closes once it is recorded. */
  async request() {
    const session = this.review.options.session();
    if (!session || this.busy) return;
    // The rows with an address, by their place in the dialog (errors name the row).
    const rows = this.emails
      .map((email, row) => ({ email: email.trim(), row }))
      .filter(({ email }) => email);
    const me = this.access?.me?.email.toLowerCase();
    const mine = rows.find(({ email }) => email.toLowerCase() === me);
    if (rows.length === 0 || mine) {
      this.rowProblems = [];
      if (mine) this.rowProblems[mine.row] = 'That is your own address: name someone else.';
      this.problem = mine
        ? `Reviewer ${mine.row + 1}: that is your own address. Name someone else.`
        : 'Name at least one reviewer by email.';
      this.host.requestUpdate();
      this.focus(`#review-email-${mine?.row ?? 0}`);
      return;
    }
    const input = {
      reviewers: rows.map(({ email }) => ({ email })),
      ...(this.approvals.trim() ? { approvalsRequired: Number(this.approvals) } : {}),
      ...(this.note.trim() ? { note: this.note.trim() } : {}),
    };
    Object.assign(this, { busy: true, problem: '', rowProblems: [], status: '' });
    this.host.requestUpdate();
    try {
      const { review } = await this.review.options.client().requestReview(session.id, input);
      Object.assign(this, { emails: ONE_ROW, approvals: '', note: '' });
      const names = review.current.reviewers.map((reviewer) => reviewer.name ?? reviewer.email);
      this.status = `Review requested from ${names.join(', ')} (round ${review.current.round}).`;
      this.review.set(review);
      this.review.options.refreshCharter();
      this.busy = false;
      this.close();
    } catch (error) {
      this.busy = false;
      if (fields(error).code === 'forbidden') {
        this.close();
        this.review.options.forbidden(error);
        return;
      }
      this.explain(error, rows);
      const first = this.rowProblems.findIndex(Boolean);
      if (first !== -1) this.focus(`#review-email-${first}`);
    }
    this.host.requestUpdate();
  }

  /** Says what went wrong: on the row a detail names (`reviewers.<n>.email`), else above. */
  private explain(error: unknown, rows: Array<{ email: string; row: number }>) {
    const said = this.review.options.report(error);
    const { code, details = [] } = fields(error);
    const lines: string[] = [];
    for (const detail of details) {
      const sent = rows[Number(/^reviewers\.(\d+)/.exec(detail.path)?.[1] ?? Number.NaN)];
      const message = sentence(detail.message);
      if (!sent) lines.push(message);
      else {
        const text =
          code === 'not_found'
            ? `No account uses ${sent.email}. Ask them to create an account first.`
            : message;
        this.rowProblems[sent.row] ??= text;
        lines.push(`Reviewer ${sent.row + 1}: ${text}`);
      }
    }
    this.problem = lines.length ? lines.join(' ') : said;
  }

  /** A reviewer's vote, with its required comment (`POST /sessions/:id/review/votes`). */
  async vote(vote: ReviewVote) {
    const session = this.review.options.session();
    const comment = this.comment.trim();
    if (!session || this.voting) return;
    if (!comment) {
      this.voteProblem = `Say why you ${vote}: a comment is required.`;
      this.host.requestUpdate();
      this.focus('#review-comment');
      return;
    }
    Object.assign(this, { voting: vote, voteProblem: '', status: '' });
    this.host.requestUpdate();
    try {
      const { review } = await this.review.options.client().vote(session.id, { vote, comment });
      this.comment = '';
      this.status = voted(review, vote);
      this.review.set(review);
      this.review.options.refreshCharter();
      this.focus('#review-heading');
    } catch (error) {
      const said = this.review.options.report(error);
      // Refused (already voted, reopened, no longer a reviewer): the comment stays, and the
      // review is read again so what is shown is what the server has.
      this.voteProblem = `Not recorded: ${sentence(said)} Your comment is kept; the review was read again.`;
      await this.review.refresh();
      this.focus('#review-comment');
    }
    this.voting = null;
    this.host.requestUpdate();
  }

  private focus(selector: string) {
    void this.host.updateComplete.then(() =>
      this.review.options.root().querySelector<HTMLElement>(selector)?.focus(),
    );
  }
}

/** What the reviewer's own vote did. */
function voted(review: Review, vote: ReviewVote): string {
  const { current } = review;
  const did = `You ${vote === 'approve' ? 'approved' : 'rejected'} round ${current.round}.`;
  return current.status === 'open'
    ? `${did} ${current.approvals} of ${current.approvalsRequired} approvals so far.`
    : `${did} Your vote decided it: ${current.status}.`;
}
