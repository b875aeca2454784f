import { css, html, LitElement, nothing } from 'lit';

/** The longest answer the HTTP contract accepts. */
export const MAX_ANSWER_LENGTH = 10_000;

/** The pending question of a session, as the HTTP contract returns it. */
export interface PendingQuestion {
  id: string;
  stageId: string;
  /** The topic it belongs to; null for a gap question. */
  topicId?: string | null;
  text: string;
  kind: 'question' | 'follow_up' | 'gap';
  attempt: number;
  maxAttempts: number;
  lastScore: number | null;
  issues: string[];
}

/** The detail of the `uaip-answer` event. */
export interface AnswerEventDetail {
  questionId: string;
  answer: string;
}

const KIND_LABEL: Record<PendingQuestion['kind'], string> = {
  question: 'Question',
  follow_up: 'Follow-up',
  gap: 'One more thing',
};

/**
 * Shows one pending question with a text box and fires a `uaip-answer` event
 * (`detail: { questionId, answer }`, bubbling and composed) with a non-empty answer of at most
 * 10,000 characters; it never truncates what the user wrote.
 *
 * @example
 * ```html
 * <uaip-question></uaip-question>
 * <script type="module">
 *   const element = document.querySelector('uaip-question');
 *   element.question = session.pendingQuestion;
 *   element.addEventListener('uaip-answer', (event) => send(event.detail));
 * </script>
 * ```
 */
export class UaipQuestion extends LitElement {
  /** @internal Lit's reactive properties of the element. */
  static override properties = {
    question: { attribute: false },
    busy: { type: Boolean, reflect: true },
    problem: { state: true },
  };

  /** @internal The element's own styles (shadow DOM). */
  static override styles = css`
    :host { display: block; font: inherit; }
    .meta { font-size: 0.85em; opacity: 0.75; }
    .issues { margin: 0.5em 0; }
    textarea { width: 100%; min-height: 8em; box-sizing: border-box; font: inherit; }
    .problem { color: #b00020; }
  `;

  /** The question to show; nothing renders without one. */
  declare question: PendingQuestion | null;
  /** While true the form is disabled (an answer is being scored). */
  declare busy: boolean;
  declare private problem: string;

  constructor() {
    super();
    this.question = null;
    this.busy = false;
    this.problem = '';
  }

  override render() {
    const question = this.question;
    if (!question) return nothing;
    return html`
      <p class="meta">
        ${KIND_LABEL[question.kind]} · answer ${question.attempt} of ${question.maxAttempts}
      </p>
      <p class="text">${question.text}</p>
      ${
        question.kind === 'follow_up' && question.issues.length > 0
          ? html`<ul class="issues">${question.issues.map((issue) => html`<li>${issue}</li>`)}</ul>`
          : nothing
      }
      <form @submit=${this.submit}>
        <textarea name="answer" aria-label="Your answer" ?disabled=${this.busy}></textarea>
        ${this.problem ? html`<p class="problem" role="alert">${this.problem}</p>` : nothing}
        <button type="submit" ?disabled=${this.busy}>Send answer</button>
      </form>
    `;
  }

  private submit(event: Event) {
    event.preventDefault();
    const question = this.question;
    const box = this.renderRoot.querySelector('textarea');
    if (!question || !box || this.busy) return;
    const answer = box.value;
    if (answer.trim() === '') {
      this.problem = 'Please write an answer first.';
      return;
    }
    // Characters as people count them (code points), as the server does.
    const length = [...answer].length;
    if (length > MAX_ANSWER_LENGTH) {
      this.problem = `Answers are limited to ${MAX_ANSWER_LENGTH.toLocaleString('en')} characters; this one has ${length.toLocaleString('en')}.`;
      return;
    }
    this.problem = '';
    const detail: AnswerEventDetail = { questionId: question.id, answer };
    this.dispatchEvent(new CustomEvent('uaip-answer', { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'uaip-question': UaipQuestion;
  }
}
