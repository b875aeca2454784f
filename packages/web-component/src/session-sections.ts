import { html, nothing } from 'lit';
import type { Session } from './api-types';
import type { AnswerEventDetail } from './uaip-question';

/** The parts of `<uaip-question>` re-exported so a page can style them through the session. */
const QUESTION_PARTS = 'meta, original, text, issues, textarea, button, error';

/** What {@link questionSection} draws. */
export interface QuestionSectionOptions {
  session: Session;
  /** Whether the person may answer (not a viewer). */
  writable: boolean;
  /** An answer is being scored. */
  busy: boolean;
  /** The answer box is disabled (a revision is being saved, too). */
  disabled: boolean;
  /** Live progress while an answer is scored. */
  lines: string[];
  onAnswer(detail: AnswerEventDetail): void;
}

/**
 * The pending question of an active session: the answer box with the live progress below it,
 * or, for a viewer, the question alone and who may answer it.
 */
export function questionSection(options: QuestionSectionOptions) {
  const { session } = options;
  if (!options.writable) {
    const pending = session.pendingQuestion;
    return pending
      ? html`<div class="waiting" part="waiting">
          <p class="muted">Waiting for its owner or an editor to answer:</p>
          <p class="asked">${pending.text}</p>
        </div>`
      : nothing;
  }
  return html`
    <uaip-question part="question" exportparts=${QUESTION_PARTS}
      .question=${session.pendingQuestion} ?busy=${options.disabled}
      @uaip-answer=${(event: CustomEvent<AnswerEventDetail>) => options.onAnswer(event.detail)}>
    </uaip-question>
    <div class="working" part="status" aria-live="polite">${
      options.busy
        ? html`<p><span class="spinner" part="spinner" aria-hidden="true"></span> Scoring your answer…</p>
            <ul class="lines">${options.lines.map((line) => html`<li>${line}</li>`)}</ul>`
        : nothing
    }</div>
  `;
}

/** An error of the session, with "Try again" where trying again can help. */
export function problemView(problem: string, retry: (() => void) | null) {
  if (!problem) return nothing;
  return html`<div class="error" part="error" role="alert">
    <p>${problem}</p>
    ${retry ? html`<button type="button" part="button" @click=${retry}>Try again</button>` : nothing}
  </div>`;
}
