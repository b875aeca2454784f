import { css, html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import type { Session, SessionRole } from './api-types';
import {
  previewText,
  type RecordedAnswer,
  rebuildPlan,
  type StageAnswers,
} from './recorded-answers';
import type { EditorState } from './revision-editor';

/** What {@link transcriptView} draws, and where its buttons lead. */
export interface TranscriptViewOptions {
  session: Session;
  /** The person's role: a viewer gets no "Edit"; undefined until known (as the owner). */
  role: SessionRole | undefined;
  groups: StageAnswers[];
  editor: EditorState | null;
  /** Why no answer can be edited right now, or null. */
  locked: string | null;
  /** Live progress while a revision is sent. */
  lines: string[];
  onEdit(answer: RecordedAnswer): void;
  onInput(text: string): void;
  onSave(): void;
  onCancel(): void;
  onReload(): void;
}

/**
 * "Your answers" ("The answers" for a member): the record of the session stage by stage (each
 * question as first asked and the answer that stands), folded by default, each answer with an
 * "Edit" button that opens an inline editor saying what saving will rebuild (none for a viewer).
 */
export function transcriptView(options: TranscriptViewOptions): TemplateResult | typeof nothing {
  const { groups, editor, role } = options;
  const count = groups.reduce((sum, group) => sum + group.answers.length, 0);
  if (count === 0) return nothing;
  const member = role === 'viewer' || role === 'editor';
  return html`<section class="record" part="answers" aria-labelledby="answers-heading">
    <h3 id="answers-heading">${member ? 'The answers' : 'Your answers'}</h3>
    <details class="record-list">
      <summary>Review ${role === 'viewer' ? '' : 'or edit '}the ${count} ${count === 1 ? 'answer' : 'answers'}</summary>
      ${options.locked && role !== 'viewer' ? html`<p class="hint">${options.locked}</p>` : nothing}
      ${groups.map(
        ({ stage, answers }) => html`<h4>${stage.title}${
          stage.status === 'stale'
            ? html` <span class="being-rebuilt">· being rebuilt</span>`
            : nothing
        }</h4>
        <ol class="answers">${answers.map(
          (answer, index) => html`<li part="answer">
            <p class="asked">${answer.question}</p>
            ${
              editor?.answer.turn.id === answer.turn.id && role !== 'viewer'
                ? editorView(options, editor)
                : answerView(options, answer, `answer ${index + 1} of ${stage.title}`)
            }
          </li>`,
        )}</ol>`,
      )}
    </details>
  </section>`;
}

function answerView(options: TranscriptViewOptions, answer: RecordedAnswer, which: string) {
  const { turn } = answer;
  const notes = [`score ${turn.score}/10`];
  if (turn.escalated) notes.push('kept after the last try');
  if (turn.revisesTurnId) notes.push('revised');
  return html`<p class="given">${turn.answer}</p>
    <p class="muted notes">${notes.join(' · ')}</p>
    ${
      options.role === 'viewer'
        ? nothing
        : html`<button type="button" class="secondary" part="button edit-button" data-turn=${turn.id}
      ?disabled=${options.locked !== null || !!options.editor?.saving}
      @click=${() => options.onEdit(answer)}>Edit<span class="visually-hidden"> ${which}</span></button>`
    }`;
}

function editorView(options: TranscriptViewOptions, editor: EditorState) {
  const plan = rebuildPlan(options.session, editor.answer.turn.stageId);
  const shortcut = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      options.onSave();
    }
  };
  return html`<form class="editor" part="editor" @submit=${(event: Event) => {
    event.preventDefault();
    options.onSave();
  }}>
    <p class="given recorded"><span class="muted">Recorded now:</span> ${editor.answer.turn.answer}</p>
    <div>
      <label for="revise-box">New answer</label>
      <textarea id="revise-box" class="revise-box" name="answer" part="textarea"
        aria-describedby="revise-preview" .value=${live(editor.text)} ?disabled=${editor.saving}
        @input=${(event: Event) => options.onInput((event.target as HTMLTextAreaElement).value)}
        @keydown=${shortcut}></textarea>
    </div>
    <p id="revise-preview" class="preview" part="preview">${previewText(plan)}</p>
    ${
      editor.problem
        ? html`<div class="error" part="error" role="alert"><p>${editor.problem}</p>
            ${editor.reload ? html`<button type="button" part="button" @click=${options.onReload}>Reload the session</button>` : nothing}
          </div>`
        : nothing
    }
    <div class="working" part="status" aria-live="polite">${
      editor.saving
        ? html`<p><span class="spinner" part="spinner" aria-hidden="true"></span> Re-checking the new answer…</p>
            <ul class="lines">${options.lines.map((line) => html`<li>${line}</li>`)}</ul>`
        : nothing
    }</div>
    <div class="actions">
      <button type="submit" part="button" ?disabled=${editor.saving}>Save new answer</button>
      <button type="button" class="secondary" part="button" ?disabled=${editor.saving}
        @click=${options.onCancel}>Cancel</button>
    </div>
  </form>`;
}

/** @internal Styles of {@link transcriptView}. */
export const transcriptStyles = css`
  .record-list > summary {
    cursor: pointer;
    font-weight: 600;
  }
  .record-list h4 {
    margin: 1em 0 0.25em;
  }
  .being-rebuilt {
    font-size: 0.85em;
    font-weight: 400;
    color: var(--uaip-warning-text, #8a4500);
  }
  .answers {
    padding-left: 1.5em;
    margin: 0;
  }
  .answers > li {
    padding: 0.5em 0;
    border-bottom: 1px solid var(--uaip-border, #8c959f);
  }
  .answers > li:last-child {
    border-bottom: 0;
  }
  .asked {
    font-weight: 600;
    margin: 0;
    /* A gap question lists its missing items one a line. */
    white-space: pre-line;
  }
  .given {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    margin: 0.25em 0 0;
  }
  .notes {
    margin: 0.1em 0 0.4em;
  }
  .editor {
    margin-top: 0.5em;
  }
  .preview {
    margin: 0;
    padding: 0.4em 0.75em;
    border-left: 4px solid var(--uaip-accent, #3451b2);
    background: var(--uaip-accent-surface, #eef1fb);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
