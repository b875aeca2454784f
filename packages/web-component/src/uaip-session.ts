import { css, html, nothing, type PropertyValues } from 'lit';
import { ApiElement, isAbort } from './api-element';
import { isRetryable, UaipApiError } from './api-error';
import type { AnswerResult, CharterFormat, Session, SessionEvent } from './api-types';
import { artifactStyles, completedArtifacts } from './artifact-view';
import { charterStyles, completedSection } from './charter-view';
import { downloadCharter, newIdempotencyKey } from './download';
import { emit, type SessionDetail, type StageCompletedDetail } from './events';
import { describeEvent, describeUsage } from './progress-log';
import { type OpenItems, stageProgress, stageProgressStyles } from './stage-progress';
import { baseStyles } from './styles';
import { type AnswerEventDetail, clearDraft } from './uaip-question';

/** The parts of `<uaip-question>` re-exported so a page can style them through this element. */
const QUESTION_PARTS = 'meta, original, text, issues, textarea, button, error';

/** An answer kept as the last allowed try although it scored under the threshold. */
interface EscalatedAnswer {
  stageId: string;
  question: string;
  score: number;
}

/** What the last answer came to, said at once. */
interface Notice {
  text: string;
  /** An escalated answer, or a stage completed with open items: worth a second look. */
  warning: boolean;
}

/** An answer kept until the server records it, with the key that makes re-sending safe. */
interface KeptAnswer extends AnswerEventDetail {
  key: string;
}

/**
 * One session: the stages with the current one marked, the pending question, live progress
 * while an answer is scored, tokens and cost, the completed stages' artifacts and, once
 * done, the charter with its downloads. Fires `uaip-stage-completed` (`{ stageId }`),
 * `uaip-session-completed` (`{ session }`) and `uaip-error`.
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
    lines: { state: true },
    problem: { state: true },
    retry: { state: true },
    charter: { state: true },
    notice: { state: true },
    escalated: { state: true },
  };

  /** @internal The element's own styles (shadow DOM). */
  static override styles = [
    baseStyles,
    stageProgressStyles,
    artifactStyles,
    charterStyles,
    css`
      .working:empty {
        display: none;
      }
      .working {
        margin: 1em 0;
      }
      .lines {
        margin: 0.25em 0;
        font-size: 0.9em;
      }
      .notice {
        margin: 0.5em 0 1em;
        padding: 0.4em 0.75em;
        border-left: 4px solid var(--uaip-success, #1a7f37);
        background: var(--uaip-success-surface, #eef8f0);
      }
      .notice.warning {
        border-left-color: var(--uaip-warning, #b35900);
        background: var(--uaip-warning-surface, #fff4e5);
      }
    `,
  ];

  /** The id of the session to show (attribute `session-id`). */
  declare sessionId: string | null;
  /** The session as last loaded; a host that already has it may set it to skip a request. */
  declare session: Session | null;
  declare private busy: boolean;
  declare private lines: string[];
  declare private problem: string;
  declare private retry: (() => void) | null;
  declare private charter: string | null;
  declare private notice: Notice | null;
  declare private escalated: EscalatedAnswer[];
  private kept: KeptAnswer | null = null;
  private loading: AbortController | null = null;
  // Wide charter tables scroll sideways; a hint says so whenever one overflows.
  // (Next frame: showing a hint changes the layout the observer is reporting on.)
  private readonly resized =
    typeof ResizeObserver === 'undefined'
      ? null
      : new ResizeObserver(() => requestAnimationFrame(() => this.markScrolling()));
  private stream: { sessionId: string; abort: AbortController } | null = null;

  constructor() {
    super();
    this.sessionId = null;
    this.session = null;
    this.busy = false;
    this.lines = [];
    this.problem = '';
    this.retry = null;
    this.charter = null;
    this.notice = null;
    this.escalated = [];
  }

  override connectedCallback() {
    super.connectedCallback();
    this.resized?.observe(this);
    // Moved in the page: the stream (or an interrupted load) starts again.
    if (!this.hasUpdated || !this.sessionId || !this.token) return;
    if (this.session?.id === this.sessionId) this.follow();
    else void this.load();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    // Leaving the page (or the host removing us) ends every request and the event stream.
    this.resized?.disconnect();
    this.loading?.abort();
    this.stopStream();
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    const changedServer = changed.has('token') || changed.has('apiBase');
    if (!(changed.has('sessionId') || changedServer) || !this.sessionId || !this.token) return;
    // Another token or server than before (not the first one given): the session must be
    // read again. A session the host handed over for this id is used as is.
    const switched =
      (changed.has('token') && changed.get('token') != null) ||
      (changed.has('apiBase') && changed.get('apiBase') !== undefined);
    if (this.session?.id === this.sessionId && !switched) this.follow();
    else void this.load();
  }

  protected override updated() {
    this.markScrolling();
  }

  private markScrolling() {
    for (const table of this.renderRoot.querySelectorAll<HTMLElement>('.table')) {
      const hint = table.previousElementSibling as HTMLElement | null;
      if (hint?.classList.contains('scroll-hint'))
        hint.hidden = table.scrollWidth <= table.clientWidth + 1;
    }
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
    }
    this.charter = null;
    try {
      const session = await this.client.getSession(sessionId, { signal: abort.signal });
      if (abort.signal.aborted) return;
      this.session = session;
      this.problem = '';
      this.retry = null;
      this.follow();
      // Answers kept after their last try, for the open items of the completed stages.
      if (session.stages.some((stage) => stage.status === 'completed'))
        void this.loadEscalated(session.id, abort.signal);
    } catch (error) {
      if (abort.signal.aborted || isAbort(error)) return;
      this.fail(error, () => void this.load());
    }
  }

  override render() {
    const session = this.session;
    if (!session) {
      return html`${this.renderProblem()}${this.problem ? nothing : html`<p role="status"><span class="spinner" part="spinner" aria-hidden="true"></span> Loading the session…</p>`}`;
    }
    const done = session.status === 'completed';
    return html`
      <h2 part="title">${session.title}</h2>
      <p class="muted" part="usage">Used so far: ${describeUsage(session.usage)}</p>
      ${stageProgress(session, this.openItems(session))}
      ${this.renderProblem()}
      <div role="status" part="notice">${
        this.notice
          ? html`<p class=${this.notice.warning ? 'notice warning' : 'notice'}>${this.notice.text}</p>`
          : nothing
      }</div>
      ${done ? completedSection(this.charter, (format) => this.download(session, format)) : this.renderQuestion(session)}
      ${completedArtifacts(session.stages)}
    `;
  }

  /** Each completed stage's open items: what its gate still misses, and escalated answers. */
  private openItems(session: Session): OpenItems {
    const items = new Map<string, string[]>();
    for (const stage of session.stages) {
      const list = (stage.gate?.passed === false ? stage.gate.missing : []).map(
        (missing) => `Missing: ${missing}`,
      );
      for (const answer of this.escalated.filter((item) => item.stageId === stage.id)) {
        list.push(`Answer kept with a score of ${answer.score}/10: "${answer.question}"`);
      }
      if (list.length > 0) items.set(stage.id, list);
    }
    return items;
  }

  private async loadEscalated(sessionId: string, signal: AbortSignal) {
    try {
      const { items } = await this.client.turns(sessionId, { signal });
      if (signal.aborted || this.session?.id !== sessionId) return;
      // The question as first asked: the last turn before an escalated one on its topic.
      this.escalated = items
        .filter((turn) => turn.escalated)
        .map((turn) => {
          const first = items.find(
            (candidate) =>
              candidate.stageId === turn.stageId &&
              candidate.topicId === turn.topicId &&
              candidate.kind !== 'follow_up',
          );
          return { stageId: turn.stageId, question: (first ?? turn).question, score: turn.score };
        });
    } catch {
      // The stage cards then show gate failures only; the charter lists everything.
    }
  }

  private renderProblem() {
    if (!this.problem) return nothing;
    return html`<div class="error" part="error" role="alert">
      <p>${this.problem}</p>
      ${this.retry ? html`<button type="button" part="button" @click=${this.retry}>Try again</button>` : nothing}
    </div>`;
  }

  private renderQuestion(session: Session) {
    return html`
      <uaip-question part="question" exportparts=${QUESTION_PARTS}
        .question=${session.pendingQuestion} ?busy=${this.busy}
        @uaip-answer=${(event: CustomEvent<AnswerEventDetail>) => this.send(event.detail)}>
      </uaip-question>
      <div class="working" part="status" aria-live="polite">${
        this.busy
          ? html`<p><span class="spinner" part="spinner" aria-hidden="true"></span> Scoring your answer…</p>
              <ul class="lines">${this.lines.map((line) => html`<li>${line}</li>`)}</ul>`
          : nothing
      }</div>
    `;
  }

  /** Keeps the event stream open while the session is active, and the charter loaded once done. */
  private follow() {
    const session = this.session;
    if (!session || !this.isConnected) return;
    if (session.status === 'active') this.startStream(session.id);
    else {
      this.stopStream();
      if (this.charter === null) void this.loadCharter(session);
    }
  }

  private startStream(sessionId: string) {
    if (this.stream?.sessionId === sessionId) return;
    this.stopStream();
    const stream = { sessionId, abort: new AbortController() };
    this.stream = stream;
    this.client
      .events(sessionId, (event) => this.onEvent(event), { signal: stream.abort.signal })
      // The stream only adds live detail; answers and errors come from the answer's response.
      .catch(() => {})
      .finally(() => {
        if (this.stream === stream) this.stream = null;
      });
  }

  private stopStream() {
    this.stream?.abort.abort();
    this.stream = null;
  }

  private onEvent(event: SessionEvent) {
    const session = this.session;
    if (!session || event.sessionId !== session.id) return;
    if (this.busy) {
      const title = (id: string) => session.stages.find((stage) => stage.id === id)?.title ?? id;
      const line = describeEvent(event, title);
      if (line) this.lines = [...this.lines, line];
    } else if (event.type === 'question.asked' && event.version > session.version) {
      // Answered elsewhere (another tab): catch up.
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
    this.problem = '';
    this.retry = null;
    this.lines = [];
    this.notice = null;
    this.startStream(session.id);
    try {
      const result = await this.client.answer(session.id, answer, { idempotencyKey: kept.key });
      clearDraft(answer.questionId);
      this.kept = null;
      this.busy = false;
      this.say(session, result);
      this.apply(session, result.session);
    } catch (error) {
      this.busy = false;
      const code = UaipApiError.isInstance(error) ? error.code : '';
      // Answered elsewhere meanwhile: show where the session is now, with the reason.
      if (code === 'conflict' || code === 'session_completed') await this.load();
      this.fail(error, () => void this.send(kept));
    }
  }

  /** Says at once what became of the answer: its score, kept after the last try, stage done. */
  private say(before: Session, { session: after, outcome }: AnswerResult) {
    const asked = before.pendingQuestion;
    if (!asked || outcome.kind === 'follow_up') return;
    const score = `${outcome.quality.score}/10`;
    const parts: string[] = [];
    let warning = false;
    if (outcome.escalated) {
      warning = true;
      this.escalated = [
        ...this.escalated,
        {
          stageId: asked.stageId,
          question: asked.originalText ?? asked.text,
          score: outcome.quality.score,
        },
      ];
      parts.push(
        `Your answer was kept with a score of ${score}: it was the last of ${asked.maxAttempts} tries, so it is listed under open items.`,
      );
    } else {
      parts.push(`Answer accepted with a score of ${score}.`);
    }
    const stage = after.stages.find((candidate) => candidate.id === asked.stageId);
    if (stage?.status === 'completed') {
      const open = this.openItems(after).get(stage.id)?.length ?? 0;
      if (open > 0) warning = true;
      parts.push(
        open > 0
          ? `${stage.title} is done with ${open} open ${open === 1 ? 'item' : 'items'}: open its card to see ${open === 1 ? 'it' : 'them'}.`
          : `${stage.title} is done.`,
      );
    }
    this.notice = { text: parts.join(' '), warning };
  }

  private apply(before: Session, after: Session) {
    this.session = after;
    const wasDone = new Set(before.stages.filter((s) => s.status === 'completed').map((s) => s.id));
    for (const stage of after.stages) {
      if (stage.status === 'completed' && !wasDone.has(stage.id)) {
        const detail: StageCompletedDetail = { stageId: stage.id };
        emit(this, 'uaip-stage-completed', detail);
      }
    }
    if (after.status === 'completed' && before.status !== 'completed') {
      const detail: SessionDetail = { session: after };
      emit(this, 'uaip-session-completed', detail);
    }
    this.follow();
  }

  private async loadCharter(session: Session) {
    try {
      const blob = await this.client.charter(session.id, 'md');
      this.charter = await blob.text();
    } catch (error) {
      this.fail(error, () => void this.loadCharter(session));
    }
  }

  private async download(session: Session, format: CharterFormat) {
    try {
      await downloadCharter(this.client, session, format);
    } catch (error) {
      this.fail(error, () => void this.download(session, format));
    }
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
