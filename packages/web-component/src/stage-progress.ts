import { css, html, nothing } from 'lit';
import type { Session } from './api-types';

const STATUS_TEXT = {
  completed: 'done',
  active: 'current',
  pending: 'to do',
  stale: 'being rebuilt',
  paused: 'in progress',
} as const;

/** What is still open in a completed stage: its gate's missing items and its escalated answers. */
export type OpenItems = ReadonlyMap<string, readonly string[]>;

/**
 * The stages as an ordered list, the current one marked `aria-current="step"`: whatever stages
 * the session has, in its order. A stage completed with open items (a failed gate, an answer
 * kept after the last try) says "done · N open items", and lists them one click away. While a
 * revision of an earlier answer waits, the stages it will rebuild say "being rebuilt", and the
 * stage the session was on (not current meanwhile) says "in progress".
 */
export function stageProgress(session: Session, openItems: OpenItems = new Map()) {
  const current = session.status === 'completed' ? null : session.currentStageId;
  return html`
    <ol class="stages" part="progress" aria-label="Stages">
      ${session.stages.map((stage) => {
        const isCurrent = stage.id === current;
        const status =
          stage.status === 'stale'
            ? 'stale'
            : isCurrent
              ? 'active'
              : stage.status === 'active'
                ? 'paused'
                : stage.status;
        const items = status === 'completed' ? (openItems.get(stage.id) ?? []) : [];
        const classes = [
          status,
          isCurrent && status !== 'active' ? 'active' : '',
          items.length > 0 ? 'open' : '',
        ];
        return html`<li class=${classes.join(' ').trim()}
          aria-current=${isCurrent ? 'step' : nothing}
          part=${`stage stage-${status}`}>
          <span class="stage-title">${stage.title}</span>
          ${
            items.length > 0
              ? html`<details class="stage-open" part="open-items">
                  <summary class="stage-status"><span class="wide">done · </span>${items.length}
                    open ${items.length === 1 ? 'item' : 'items'}</summary>
                  <ul>${items.map((item) => html`<li>${item}</li>`)}</ul>
                </details>`
              : html`<span class="stage-status">${STATUS_TEXT[status]}</span>`
          }
        </li>`;
      })}
    </ol>
  `;
}

/** @internal Styles of {@link stageProgress}; the host must be a size container. */
export const stageProgressStyles = css`
  :host {
    container-type: inline-size;
  }
  .stages {
    counter-reset: stage;
    list-style: none;
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
    padding: 0;
    margin: 0.5em 0 1em;
    position: relative;
  }
  .stages > li {
    counter-increment: stage;
    flex: 1 1 9em;
    padding: 0.4em 0.6em;
    border: 1px solid var(--uaip-border, #8c959f);
    border-radius: var(--uaip-radius, 6px);
    border-top-width: 4px;
  }
  .stages > li::before {
    content: counter(stage) '. ';
    font-weight: 600;
  }
  .stages .completed {
    border-top-color: var(--uaip-success, #1a7f37);
  }
  .stages .completed.open {
    border-top-color: var(--uaip-warning, #b35900);
  }
  .stages .active {
    border-color: var(--uaip-accent, #3451b2);
    font-weight: 600;
  }
  .stages .stale {
    border-top-style: dashed;
    border-top-color: var(--uaip-warning, #b35900);
  }
  .stages .stale .stage-status {
    color: var(--uaip-warning-text, #8a4500);
  }
  .stage-status {
    display: block;
    font-size: 0.8em;
    font-weight: 400;
    color: var(--uaip-muted, #57606a);
  }
  .stage-open summary {
    cursor: pointer;
    color: var(--uaip-warning-text, #8a4500);
  }
  .stage-open ul {
    position: absolute;
    z-index: 1;
    left: 0;
    right: 0;
    top: 100%;
    margin: 0.25em 0 0;
    padding: 0.5em 0.75em 0.5em 1.75em;
    font-size: 0.9em;
    font-weight: 400;
    background: var(--uaip-surface, #fff);
    border: 1px solid var(--uaip-border, #8c959f);
    border-radius: var(--uaip-radius, 6px);
    box-shadow: 0 2px 8px rgb(0 0 0 / 15%);
  }
  /* Narrow screens: one compact row, the current stage named, the others by number. */
  @container (max-width: 36em) {
    .stages {
      flex-wrap: nowrap;
      gap: 0.25em;
      margin: 0.25em 0 0.75em;
      font-size: 0.9em;
    }
    .stages > li {
      flex: 1 1 0;
      min-width: 0;
      padding: 0.15em 0.35em;
      border-top-width: 3px;
      text-align: center;
    }
    .stages > li.active {
      flex: 4 1 0;
      text-align: left;
    }
    .stages > li:not(.active) .stage-title,
    .stages > li.active:not(.stale) .stage-status,
    .wide {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
    .stages > li:not(.active)::before {
      content: counter(stage);
    }
    .stage-status {
      font-size: 0.7em;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
    }
  }
`;
