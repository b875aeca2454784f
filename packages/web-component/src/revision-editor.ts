import type { ReactiveControllerHost } from 'lit';
import type { UaipClient } from './api-client';
import { UaipApiError } from './api-error';
import type { RevisionResult, Session } from './api-types';
import { newIdempotencyKey } from './download';
import type { RecordedAnswer } from './recorded-answers';
import { draftKey, readStored, writeStored } from './storage';
import { MAX_ANSWER_LENGTH } from './uaip-question';

/** What {@link RevisionEditor} needs of the element that hosts it. */
export interface RevisionEditorOptions {
  client: () => UaipClient;
  session: () => Session | null;
  /** The host's shadow root, where focus moves. */
  root: () => ParentNode;
  /** A revision is about to be sent: start the live progress. */
  begin: (session: Session) => void;
  /** The server's answer to a revision. */
  done: (before: Session, result: RevisionResult) => void;
  /** Reads the session and its answers again. */
  reload: () => Promise<void>;
  /** Fires `uaip-error` and returns what to tell the person. */
  report: (error: unknown) => string;
  /**
   * A 403: the person may no longer revise (the host says so and reads their role again); the
   * editor closes, what was typed stays kept for this answer.
   */
  forbidden: (error: unknown) => void;
}

/** The open editor: which answer, the new text, and how sending it went. */
export interface EditorState {
  answer: RecordedAnswer;
  text: string;
  saving: boolean;
  problem: string;
  /** The session changed under the editor (409, 422): reading it again is the way on. */
  reload: boolean;
}

/** Kept per answer like a question's draft (and removed with them on sign-out). */
const revisionDraft = (turnId: string) => draftKey(`revision:${turnId}`);

/**
 * The inline editor of an earlier answer: opens prefilled, keeps what is typed, sends it as a
 * revision with an `Idempotency-Key` (the same text re-sent keeps its key), and says what went
 * wrong without losing the text. Focus moves into the editor and back to its "Edit" button.
 */
export class RevisionEditor {
  /** The open editor; null when none is open. */
  state: EditorState | null = null;
  private key: { text: string; value: string } | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: RevisionEditorOptions,
  ) {}

  /** Opens the editor on `answer`, with what was typed for it before or the answer itself. */
  open(answer: RecordedAnswer) {
    if (this.state?.saving) return;
    const text = readStored(revisionDraft(answer.turn.id)) ?? answer.turn.answer;
    this.state = { answer, text, saving: false, problem: '', reload: false };
    this.key = null;
    this.host.requestUpdate();
    void this.host.updateComplete.then(() => {
      const box = this.options.root().querySelector<HTMLTextAreaElement>('textarea.revise-box');
      box?.focus();
      box?.setSelectionRange(box.value.length, box.value.length);
    });
  }

  /** Closes the editor, forgetting its text, and gives focus back to its "Edit" button. */
  cancel() {
    const turnId = this.state?.answer.turn.id;
    if (!turnId || this.state?.saving) return;
    writeStored(revisionDraft(turnId), null);
    this.state = null;
    this.host.requestUpdate();
    void this.focusEdit(turnId);
  }

  /** Keeps what is typed (also across a reload of the page). */
  input(text: string) {
    if (!this.state) return;
    this.state.text = text;
    writeStored(revisionDraft(this.state.answer.turn.id), text);
  }

  /**
   * After the answers were read again: follows the answer if a revision replaced it (the
   * text typed is kept), or closes the editor if its question is gone.
   */
  sync(answers: readonly RecordedAnswer[]) {
    const state = this.state;
    if (!state || state.saving) return;
    const turn = state.answer.turn;
    const same =
      answers.find((answer) => answer.turn.id === turn.id) ??
      answers.find(
        (answer) =>
          turn.topicId != null &&
          answer.turn.stageId === turn.stageId &&
          answer.turn.topicId === turn.topicId,
      );
    if (!same) this.state = null;
    else if (same.turn.id !== turn.id) {
      writeStored(revisionDraft(same.turn.id), state.text);
      this.state = { ...state, answer: same };
    }
    this.host.requestUpdate();
  }

  /** Reads the session again after a 409 or 422, keeping the editor and its text. */
  async reload() {
    if (!this.state) return;
    this.state = { ...this.state, problem: '', reload: false };
    await this.options.reload();
  }

  /** Sends the new answer as a revision. */
  async save() {
    const state = this.state;
    const session = this.options.session();
    if (!state || !session || state.saving) return;
    const problem = this.check(state);
    if (problem) {
      this.state = { ...state, problem, reload: false };
      this.host.requestUpdate();
      return;
    }
    if (this.key?.text !== state.text) this.key = { text: state.text, value: newIdempotencyKey() };
    const key = this.key.value;
    this.state = { ...state, saving: true, problem: '', reload: false };
    this.options.begin(session);
    try {
      const result = await this.options
        .client()
        .revise(session.id, state.answer.turn.id, state.text, { idempotencyKey: key });
      writeStored(revisionDraft(state.answer.turn.id), null);
      this.state = null;
      this.key = null;
      this.options.done(session, result);
    } catch (error) {
      const forbidden = UaipApiError.isInstance(error) && error.code === 'forbidden';
      this.state = forbidden ? null : { ...state, saving: false, ...this.explain(error) };
      if (forbidden) this.options.forbidden(error);
    }
    this.host.requestUpdate();
  }

  /** Moves focus to the "Edit" button of `turnId`, once it is drawn. */
  async focusEdit(turnId: string) {
    await this.host.updateComplete;
    const buttons = this.options.root().querySelectorAll<HTMLButtonElement>('button[data-turn]');
    for (const button of buttons) if (button.dataset.turn === turnId) button.focus();
  }

  private check({ text, answer }: EditorState): string {
    if (text.trim() === '') return 'Please write an answer first.';
    const length = [...text].length;
    if (length > MAX_ANSWER_LENGTH)
      return `Answers are limited to ${MAX_ANSWER_LENGTH.toLocaleString('en')} characters; this one has ${length.toLocaleString('en')}.`;
    if (text.trim() === answer.turn.answer.trim())
      return 'This is the answer already recorded: change it first, or cancel.';
    return '';
  }

  private explain(error: unknown): { problem: string; reload: boolean } {
    const said = this.options.report(error);
    const code = UaipApiError.isInstance(error) ? error.code : '';
    if (code === 'conflict')
      return {
        problem:
          'A revision or another answer of this session is under way, so this one was not sent. Reload the session to see where it stands; your new answer is kept here.',
        reload: true,
      };
    if (code === 'invalid_state')
      return {
        problem: `This answer can no longer be revised (${error instanceof Error ? error.message : 'it changed'}). Reload the session to edit the answer as it stands now; your new answer is kept here.`,
        reload: true,
      };
    return { problem: said, reload: false };
  }
}
