import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import type { PendingQuestion } from './api-types';
import { draftKey, readStored, writeStored } from './storage';
import { baseStyles } from './styles';

export type { PendingQuestion } from './api-types';

/** The longest answer the HTTP contract accepts. */
export const MAX_ANSWER_LENGTH = 10_000;

/** The detail of the `uaip-answer` event. */
export interface AnswerEventDetail {
  questionId: string;
  answer: string;
}

/**
 * A question's text as the server wrote it: its lines as paragraphs, and the lines that start
 * with "- " (a gap question's missing items) as a list, each item once.
 */
function questionText(text: string) {
  const blocks: Array<{ list: boolean; lines: string[] }> = [];
  for (const line of text.split('\n').map((item) => item.trim())) {
    if (!line) continue;
    const item = line.startsWith('- ');
    const last = blocks.at(-1);
    if (item && last?.list) {
      if (!last.lines.includes(line.slice(2))) last.lines.push(line.slice(2));
    } else blocks.push({ list: item, lines: [item ? line.slice(2) : line] });
  }
  return blocks.map((block) =>
    block.list
      ? html`<ul>${block.lines.map((line) => html`<li>${line}</li>`)}</ul>`
      : html`<p>${block.lines[0]}</p>`,
  );
}

/** Forgets the draft kept for a question (call it once the answer is recorded). */
export function clearDraft(questionId: string): void {
  writeStored(draftKey(questionId), null);
}

let nextId = 0;

/**
 * Shows one pending question with a text box labelled "Your answer" and fires `uaip-answer`
 * (`detail: { questionId, answer }`, bubbling and composed) with a non-empty answer of at most
 * 10,000 characters; it never truncates what the user wrote. A topic's question shows
 * "Question k of n"; a follow-up shows "Follow-up", the score and the issues found, under the
 * question it follows up (in full); a gate's question shows "Gap question" and its missing
 * items as a list.
 *
 * What is typed is kept in sessionStorage per question id until {@link clearDraft}, so a
 * reload or a new sign-in gives it back. A new question moves the focus to the text box.
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
  static override styles = [
    baseStyles,
    css`
      .meta {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5em;
        align-items: baseline;
        margin: 0;
      }
      .tag {
        color: var(--uaip-accent, #3451b2);
        text-transform: uppercase;
        letter-spacing: 0.04em;
        font-size: 0.8em;
      }
      .text {
        font-size: 1.15em;
        font-weight: 600;
        margin: 0.35em 0 0.75em;
      }
      .issues {
        margin: 0 0 0.75em;
      }
      .original {
        margin: 0.35em 0 0;
        padding-left: 0.75em;
        border-left: 3px solid var(--uaip-border, #8c959f);
        color: var(--uaip-muted, #57606a);
      }
      .text ul {
        font-weight: 400;
        margin: 0.35em 0;
      }
      .text p,
      .original p {
        margin: 0;
      }
      .score {
        font-size: 0.9em;
        font-weight: 600;
      }
    `,
  ];

  /** The question to show; nothing renders without one. */
  declare question: PendingQuestion | null;
  /** While true the form is disabled (an answer is being scored). */
  declare busy: boolean;
  declare private problem: string;
  private readonly boxId = `uaip-answer-${++nextId}`;
  private shownId: string | null = null;

  constructor() {
    super();
    this.question = null;
    this.busy = false;
    this.problem = '';
  }

  /** The text box's current text. */
  get value(): string {
    return this.renderRoot.querySelector('textarea')?.value ?? '';
  }

  override render() {
    const question = this.question;
    if (!question) return nothing;
    const followUp = question.kind === 'follow_up';
    const original = question.originalText;
    return html`
      <p class="meta" part="meta">${this.kindLabel(question)}
        <span class="muted">answer ${question.attempt} of ${question.maxAttempts}</span>
      </p>
      ${
        followUp && original && original !== question.text
          ? html`<div class="original" part="original"><span class="muted">The question:</span>
              ${questionText(original)}</div>`
          : nothing
      }
      <div class="text" part="text">${questionText(question.text)}</div>
      ${
        followUp && question.issues.length > 0
          ? html`<p class="hint">What the last answer was missing:</p>
              <ul class="issues" part="issues">${question.issues.map((issue) => html`<li>${issue}</li>`)}</ul>`
          : nothing
      }
      ${followUp ? html`<p class="hint">Your new answer replaces the last one, so answer the whole question.</p>` : nothing}
      <form @submit=${this.submit}>
        <div>
          <label for=${this.boxId}>Your answer</label>
          <textarea id=${this.boxId} name="answer" part="textarea" aria-describedby="answer-hint"
            ?disabled=${this.busy} @input=${this.keep} @keydown=${this.shortcut}></textarea>
          <p id="answer-hint" class="hint">Ctrl+Enter sends it.</p>
        </div>
        ${this.problem ? html`<p class="error" part="error" role="alert">${this.problem}</p>` : nothing}
        <button type="submit" part="button" ?disabled=${this.busy}>Submit answer</button>
      </form>
    `;
  }

  protected override updated(changed: PropertyValues<this>) {
    const question = this.question;
    if (!changed.has('question') || !question || question.id === this.shownId) return;
    // A new question: give back what was typed for it before (or nothing) and move there.
    this.shownId = question.id;
    if (this.problem) this.problem = '';
    const box = this.renderRoot.querySelector('textarea');
    if (!box) return;
    box.value = readStored(draftKey(question.id)) ?? '';
    box.focus();
  }

  private kindLabel(question: PendingQuestion) {
    if (question.kind === 'gap') {
      return html`<strong class="tag">Gap question</strong>
        <span class="muted">what the stage still misses</span>`;
    }
    const position =
      question.topicNumber && question.topicCount
        ? `Question ${question.topicNumber} of ${question.topicCount}`
        : 'Question';
    if (question.kind === 'question') return html`<strong class="tag">${position}</strong>`;
    return html`<strong class="tag">Follow-up</strong>
      <span class="muted">${position.toLowerCase()}</span>
      ${question.lastScore === null ? nothing : html`<span class="score">Score ${question.lastScore}/10</span>`}`;
  }

  private keep(event: Event) {
    if (this.question) {
      writeStored(draftKey(this.question.id), (event.target as HTMLTextAreaElement).value);
    }
  }

  private shortcut(event: KeyboardEvent) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      this.renderRoot.querySelector('form')?.requestSubmit();
    }
  }

  private submit(event: Event) {
    event.preventDefault();
    const question = this.question;
    const answer = this.value;
    if (!question || this.busy) return;
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
    // Kept also when sent: if the send fails (401, 503, offline) the text is still there.
    writeStored(draftKey(question.id), answer);
    const detail: AnswerEventDetail = { questionId: question.id, answer };
    this.dispatchEvent(new CustomEvent('uaip-answer', { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'uaip-question': UaipQuestion;
  }
  interface HTMLElementEventMap {
    'uaip-answer': CustomEvent<AnswerEventDetail>;
  }
}
