import { html, nothing, type PropertyValues } from 'lit';
import { answerNotice, completions, type Notice } from './answer-notice';
import { ApiElement, isAbort } from './api-element';
import { isRetryable, UaipApiError } from './api-error';
import type { AnswerResult, CharterFormat, Session, SessionEvent, Turn } from './api-types';
import { artifactStyles, completedArtifacts } from './artifact-view';
import { changesStyles, changesView } from './changes-view';
import { charterStyles, completedSection } from './charter-view';
import { CompletedCharter } from './completed-charter';
import { downloadCharter, downloadExport, newIdempotencyKey } from './download';
import { emit, type SessionDetail, type StageCompletedDetail } from './events';
import { type EscalatedAnswer, escalatedAnswers, openItems } from './open-items';
import { describeEvent, describeUsage } from './progress-log';
import { recordedAnswers, revisionUnderWay } from './recorded-answers';
import { RevisionEditor } from './revision-editor';
import { SessionReview } from './session-review';
import { problemView, questionSection } from './session-sections';
import { SessionSharing } from './session-sharing';
import { SessionStream } from './session-stream';
import { sharingStyles } from './sharing-view';
import { stageProgress, stageProgressStyles } from './stage-progress';
import { baseStyles, sessionStyles } from './styles';
import { transcriptStyles, transcriptView } from './transcript-view';
import { type AnswerEventDetail, clearDraft } from './uaip-question';

/** An answer kept until the server records it, with the key that makes re-sending safe. */
interface KeptAnswer extends AnswerEventDetail {
  key: string;
}

/**
 * One session: the stages with the current one marked, the pending question, live progress
 * while an answer is scored, tokens and cost with "Export session" (the session as one JSON
 * document, for anyone who can read it), "Your answers" (each one can be edited: a
 * revision that rebuilds what was built on it), the completed stages' artifacts and, once
 * done, the charter with its downloads and what changed since its previous version, and its
 * committee review when its decision calls for one (the owner asks reviewers, a reviewer
 * approves or rejects with a comment, everyone sees where it stands, live). Its owner shares
 * it ("Share"); a member sees their role and may leave it, and a viewer gets no answer box and
 * no "Edit". Fires `uaip-stage-completed` (`{ stageId }`),
 * `uaip-session-completed` (`{ session }`), `uaip-session-left` (`{ sessionId }`) and
 * `uaip-error`.
 *
 * @example
 * ```html
 * <uaip-session api-base="/api/v1" token="…" session-id="…"></uaip-session>
 * ```
 */
export class UaipSession extends ApiElement {
  /** @internal Lit's reactive properties of the element. */
  static override properties = {
    sessionId: { attribute: 'session-id', reflect: true },
    session: { attribute: false },
    busy: { state: true },
    exporting: { state: true },
    lines: { state: true },
    problem: { state: true },
    retry: { state: true },
    notice: { state: true },
    escalated: { state: true },
    turns: { state: true },
  };

  /** @internal The element's own styles (shadow DOM). */
  static override styles = [
    baseStyles,
    stageProgressStyles,
    artifactStyles,
    charterStyles,
    changesStyles,
    transcriptStyles,
    sessionStyles,
    sharingStyles,
  ];

  /** The id of the session to show (attribute `session-id`). */
  declare sessionId: string | null;
  /** The session as last loaded; a host that already has it may set it to skip a request. */
  declare session: Session | null;
  declare private busy: boolean;
  /** The export is being fetched: "Export session" waits, so it is not downloaded twice. */
  declare private exporting: boolean;
  declare private lines: string[];
  declare private problem: string;
  declare private retry: (() => void) | null;
  declare private notice: Notice | null;
  declare private escalated: EscalatedAnswer[];
  /** The transcript as last read; null until read. */
  declare private turns: Turn[] | null;
  /** A revision this element saw start and not finish (the session does not say so itself). */
  private revising = false;
  private readonly editor = new RevisionEditor(this, {
    client: () => this.client,
    session: () => this.session,
    root: () => this.renderRoot,
    begin: (session) => this.begin(session),
    done: (before, result) => this.turned(before, result),
    reload: () => this.load(),
    report: (error) => this.reportError(error),
    forbidden: (error) => void this.sharing.forbidden(error),
  });
  private readonly sharing: SessionSharing = new SessionSharing(this, {
    client: () => this.client,
    key: () => `${this.apiBase} ${this.token}`,
    session: () => this.session,
    root: () => this.renderRoot,
    report: (error) => this.reportError(error),
    problem: (text) => Object.assign(this, { problem: text, retry: null }),
    gone: () => this.gone(),
  });
  private readonly charter = new CompletedCharter(this, {
    client: () => this.client,
    root: () => this.renderRoot,
    fail: (error, retry) => this.fail(error, retry),
  });
  private readonly review = new SessionReview(this, {
    client: () => this.client,
    session: () => this.session,
    access: () => this.sharing.access.state,
    charterJson: () => this.charter.report,
    root: () => this.renderRoot,
    follow: (sessionId) => this.stream.start(sessionId),
    refreshCharter: () => this.session && this.charter.refresh(this.session),
    report: (error) => this.reportError(error),
    forbidden: (error) => void this.sharing.forbidden(error),
  });
  private readonly stream = new SessionStream(this, {
    client: () => this.client,
    onEvent: (event) => this.onEvent(event),
  });
  private kept: KeptAnswer | null = null;
  private loading: AbortController | null = null;
  constructor() {
    super();
    this.sessionId = null;
    this.session = null;
    this.busy = false;
    this.exporting = false;
    this.lines = [];
    this.problem = '';
    this.retry = null;
    this.notice = null;
    this.escalated = [];
    this.turns = null;
  }

  override connectedCallback() {
    super.connectedCallback();
    // Moved in the page: the stream (or an interrupted load) starts again.
    if (!this.hasUpdated || !this.sessionId || !this.token) return;
    if (this.session?.id === this.sessionId) this.handedOver();
    else void this.load();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    // Leaving the page (or the host removing us) ends every request (the stream ends itself).
    this.loading?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    const changedServer = changed.has('token') || changed.has('apiBase');
    if (!(changed.has('sessionId') || changedServer) || !this.sessionId || !this.token) return;
    // Another token or server than before (not the first one given): the session must be
    // read again. A session the host handed over for this id is used as is.
    const switched =
      (changed.has('token') && changed.get('token') != null) ||
      (changed.has('apiBase') && changed.get('apiBase') !== undefined);
    if (this.session?.id === this.sessionId && !switched) this.handedOver();
    else void this.load();
  }

  /** A session the host handed over: followed as is, the person's role read beside it. */
  private handedOver() {
    this.follow();
    this.sharing.ensure();
  }

  /** Loads the session again from the server. */
  async load(): Promise<void> {
    const sessionId = this.sessionId;
    if (!sessionId) return;
    this.loading?.abort();
    const abort = new AbortController();
    this.loading = abort;
    if (this.session?.id !== sessionId) {
      this.session = null;
      this.notice = null;
      this.escalated = [];
      this.turns = null;
      this.sharing.access.reset();
      this.review.reset();
    }
    this.sharing.left = '';
    // The server's session is the truth: whatever revision was seen waiting is read again.
    this.revising = false;
    this.charter.reset();
    this.review.reread();
    try {
      // Read with the role, so a viewer never sees an answer box flash by.
      const [session] = await Promise.all([
        this.client.getSession(sessionId, { signal: abort.signal }),
        this.sharing.read(sessionId, abort.signal),
      ]);
      if (abort.signal.aborted) return;
      this.session = session;
      this.problem = '';
      this.retry = null;
      this.follow();
      await this.loadTurns(session.id, abort.signal);
    } catch (error) {
      if (abort.signal.aborted || isAbort(error)) return;
      this.fail(error, () => void this.load());
    }
  }

  override render() {
    const session = this.session;
    if (!session) {
      if (this.sharing.left) return html`<p class="notice" role="status">${this.sharing.left}</p>`;
      return html`${problemView(this.problem, this.retry)}${this.problem ? nothing : html`<p role="status"><span class="spinner" part="spinner" aria-hidden="true"></span> Loading the session…</p>`}`;
    }
    const done = session.status === 'completed';
    const download = (format: CharterFormat): Promise<void> =>
      downloadCharter(this.client, session, format).catch((error) =>
        this.fail(error, () => void download(format)),
      );
    const exportIt = async (): Promise<void> => {
      if (this.exporting) return;
      this.exporting = true;
      try {
        await downloadExport(this.client, session);
      } catch (error) {
        this.fail(error, exportIt);
      } finally {
        this.exporting = false;
      }
    };
    return html`
      <h2 part="title">${session.title}</h2>
      ${this.sharing.render(session)}
      <div class="usage">
        <p class="muted" part="usage">Used so far: ${describeUsage(session.usage)}</p>
        <button type="button" class="secondary" part="button export-button"
          ?disabled=${this.exporting} aria-busy=${this.exporting} @click=${exportIt}>Export session</button>
      </div>
      ${stageProgress(session, openItems(session, this.escalated))}
      ${problemView(this.problem, this.retry)}
      <div role="status" part="notice">${
        this.notice
          ? html`<p class=${this.notice.warning ? 'notice warning' : 'notice'}>${this.notice.text}</p>`
          : nothing
      }</div>
      ${
        done
          ? completedSection(
              this.charter.markdown,
              download,
              html`${changesView(this.charter.changes)}${this.review.render(session)}`,
            )
          : questionSection({
              session,
              writable: this.sharing.writable,
              busy: this.busy,
              disabled: this.busy || !!this.editor.state?.saving,
              lines: this.lines,
              onAnswer: (answer) => void this.send(answer),
            })
      }
      ${this.renderAnswers(session)}
      ${completedArtifacts(session.stages)}
    `;
  }

  private renderAnswers(session: Session) {
    const editor = this.editor;
    const waiting = this.revising || revisionUnderWay(session, this.turns);
    return transcriptView({
      session,
      role: this.sharing.role,
      groups: recordedAnswers(session, this.turns ?? []),
      editor: editor.state,
      locked: this.busy
        ? 'Your answer is being scored; answers can be edited once it is done.'
        : waiting
          ? 'A revision is under way: answer the question above to finish it, then other answers can be edited.'
          : null,
      lines: this.lines,
      onEdit: (answer) => editor.open(answer),
      onInput: (text) => editor.input(text),
      onSave: () => void editor.save(),
      onCancel: () => editor.cancel(),
      onReload: () => void editor.reload(),
    });
  }

  /** Reads the transcript: "Your answers", and the escalated answers among the open items. */
  private async loadTurns(sessionId: string, signal?: AbortSignal) {
    try {
      const { items } = await this.client.turns(sessionId, signal ? { signal } : {});
      if (signal?.aborted || this.session?.id !== sessionId) return;
      this.turns = items;
      const groups = recordedAnswers(this.session, items);
      this.escalated = escalatedAnswers(groups);
      this.editor.sync(groups.flatMap((group) => group.answers));
    } catch {
      // Without it no answer can be edited; the stage cards show gate failures only, and the
      // charter lists everything.
    }
  }

  /** Keeps the event stream open while the session is active, and the charter loaded once done. */
  private follow() {
    const session = this.session;
    if (!session || !this.isConnected) return;
    if (session.status === 'active') this.stream.start(session.id);
    else {
      this.stream.stop();
      this.charter.ensure(session);
    }
  }

  private onEvent(event: SessionEvent) {
    const session = this.session;
    if (!session || event.sessionId !== session.id) return;
    if (event.type === 'sharing.changed') this.sharing.changed(event, session);
    else if (event.type.startsWith('review.')) this.review.changed(event);
    else if (this.busy || this.editor.state?.saving) {
      const title = (id: string) => session.stages.find((stage) => stage.id === id)?.title ?? id;
      const line = describeEvent(event, title);
      if (line) this.lines = [...this.lines, line];
    } else if (
      (event.type === 'question.asked' && event.version > session.version) ||
      (event.type === 'revision.started' && event.version >= session.version)
    ) {
      // Answered or revised elsewhere (another tab): catch up.
      void this.load();
    }
  }

  private async send(answer: AnswerEventDetail) {
    const session = this.session;
    if (!session || this.busy) return;
    // The same answer re-sent keeps its key, so the server records it at most once.
    const same = this.kept?.questionId === answer.questionId && this.kept.answer === answer.answer;
    const kept: KeptAnswer =
      same && this.kept ? this.kept : { ...answer, key: newIdempotencyKey() };
    this.kept = kept;
    this.busy = true;
    this.begin(session);
    try {
      const result = await this.client.answer(session.id, answer, { idempotencyKey: kept.key });
      clearDraft(answer.questionId);
      this.kept = null;
      this.busy = false;
      this.turned(session, result);
    } catch (error) {
      this.busy = false;
      const code = UaipApiError.isInstance(error) ? error.code : '';
      if (code === 'forbidden') return void this.sharing.forbidden(error);
      // Answered elsewhere meanwhile: show where the session is now, with the reason.
      if (code === 'conflict' || code === 'session_completed') await this.load();
      this.fail(error, () => void this.send(kept));
    }
  }

  /** An answer or a revision is about to be sent: the live progress starts afresh. */
  private begin(session: Session) {
    Object.assign(this, { lines: [], notice: null, problem: '', retry: null });
    this.stream.start(session.id);
  }

  /** Says at once what became of the answer: its score, kept after the last try, stage done. */
  private say(before: Session, result: AnswerResult) {
    const asked = before.pendingQuestion;
    if (asked && result.outcome.escalated && result.outcome.kind !== 'follow_up') {
      const question = asked.originalText ?? asked.text;
      const { score } = result.outcome.quality;
      this.escalated = [...this.escalated, { stageId: asked.stageId, question, score }];
    }
    const count = (session: Session, stageId: string) =>
      openItems(session, this.escalated).get(stageId)?.length ?? 0;
    this.notice = answerNotice(before, result, count);
  }

  /** An answer or a revision was recorded: say what became of it, show its result. */
  private turned(before: Session, result: AnswerResult) {
    this.say(before, result);
    this.apply(before, result);
    void this.afterTurn(result);
  }

  /**
   * Reads the answers again after a turn. Once a revision is done the focus goes to the
   * revised answer's "Edit"; while it waits, the question box has taken it.
   */
  private async afterTurn({ session, revision }: AnswerResult) {
    await this.loadTurns(session.id);
    if (revision?.status !== 'completed') return;
    const replacedBy = this.turns?.find((turn) => turn.id === revision.turnId)?.revisedBy;
    if (replacedBy) await this.editor.focusEdit(replacedBy);
  }

  private apply(before: Session, result: AnswerResult) {
    const { session: after, revision } = result;
    this.session = after;
    this.revising = revision !== undefined && revision.status !== 'completed';
    const done = completions(before, result);
    // A revision completes no stage: what was built is rebuilt, and a charter read again.
    if (revision && done.session) this.charter.reset();
    for (const stageId of done.stages) {
      const detail: StageCompletedDetail = { stageId };
      emit(this, 'uaip-stage-completed', detail);
    }
    if (done.session) {
      const detail: SessionDetail = { session: after };
      emit(this, 'uaip-session-completed', detail);
    }
    this.follow();
  }

  /** The person no longer sees the session: they left it, or its owner stopped sharing it. */
  private gone() {
    this.loading?.abort();
    this.stream.stop();
    this.session = null;
  }

  /** Shows an error; "Try again" only where trying again can help (offline, 5xx). */
  private fail(error: unknown, retry: () => void) {
    this.problem = this.reportError(error);
    this.retry = isRetryable(error) ? retry : null;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'uaip-session': UaipSession;
  }
}
