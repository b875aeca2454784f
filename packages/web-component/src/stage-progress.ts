import { css, html, nothing } from 'lit';
import type { Session } from './api-types';

const STATUS_TEXT = { completed: 'done', active: 'current', pending: 'to do' } as const;

/**
 * The stages as an ordered list, the current one marked `aria-current="step"`: whatever stages
 * the session has, in its order.
 */
export function stageProgress(session: Session) {
  const current = session.status === 'completed' ? null : session.currentStageId;
  return html`
    <ol class="stages" part="progress" aria-label="Stages">
      ${session.stages.map((stage) => {
        const isCurrent = stage.id === current;
        const status = isCurrent ? 'active' : stage.status;
        return html`<li class=${status} aria-current=${isCurrent ? 'step' : nothing}
          part=${`stage stage-${status}`}>
          <span class="stage-title">${stage.title}</span>
          <span class="stage-status">${STATUS_TEXT[status]}</span>
        </li>`;
      })}
    </ol>
  `;
}

/** @internal Styles of {@link stageProgress}. */
export const stageProgressStyles = css`
  .stages {
    counter-reset: stage;
    list-style: none;
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
    padding: 0;
    margin: 0.5em 0 1em;
  }
  .stages li {
    counter-increment: stage;
    flex: 1 1 9em;
    padding: 0.4em 0.6em;
    border: 1px solid var(--uaip-border, #8c959f);
    border-radius: var(--uaip-radius, 6px);
    border-top-width: 4px;
  }
  .stages li::before {
    content: counter(stage) '. ';
    font-weight: 600;
  }
  .stages .completed {
    border-top-color: var(--uaip-success, #1a7f37);
  }
  .stages .active {
    border-color: var(--uaip-accent, #3451b2);
    font-weight: 600;
  }
  .stage-status {
    display: block;
    font-size: 0.8em;
    font-weight: 400;
    color: var(--uaip-muted, #57606a);
  }
`;
