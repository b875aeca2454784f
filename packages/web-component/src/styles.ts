import { css } from 'lit';

/**
 * Styles every element shares. Everything is inside shadow roots (nothing is added to the
 * document), and the look is set through custom properties a host page may override:
 * `--uaip-font`, `--uaip-text`, `--uaip-muted`, `--uaip-surface`, `--uaip-border`,
 * `--uaip-accent`, `--uaip-accent-text`, `--uaip-danger`, `--uaip-success`, `--uaip-radius`,
 * `--uaip-gap`.
 */
export const baseStyles = css`
  :host {
    display: block;
    font-family: var(--uaip-font, system-ui, -apple-system, 'Segoe UI', sans-serif);
    color: var(--uaip-text, inherit);
    line-height: 1.5;
  }
  :host([hidden]) {
    display: none;
  }
  * {
    box-sizing: border-box;
  }
  h2,
  h3,
  h4,
  h5 {
    line-height: 1.25;
    margin: 1em 0 0.5em;
  }
  form {
    display: grid;
    gap: calc(var(--uaip-gap, 1rem) * 0.75);
  }
  label {
    display: block;
    font-weight: 600;
    margin-bottom: 0.25em;
  }
  input,
  textarea,
  select {
    font: inherit;
    color: inherit;
    background: var(--uaip-surface, #fff);
    border: 1px solid var(--uaip-border, #8c959f);
    border-radius: var(--uaip-radius, 6px);
    padding: 0.5em 0.65em;
  }
  input,
  textarea {
    width: 100%;
  }
  textarea {
    min-height: 7em;
    resize: vertical;
  }
  button {
    font: inherit;
    font-weight: 600;
    cursor: pointer;
    color: var(--uaip-accent-text, #fff);
    background: var(--uaip-accent, #3451b2);
    border: 1px solid var(--uaip-accent, #3451b2);
    border-radius: var(--uaip-radius, 6px);
    padding: 0.5em 1em;
    justify-self: start;
  }
  button.secondary {
    color: var(--uaip-accent, #3451b2);
    background: transparent;
  }
  button:disabled {
    opacity: 0.6;
    cursor: progress;
  }
  :focus-visible {
    outline: 3px solid var(--uaip-accent, #3451b2);
    outline-offset: 2px;
  }
  a {
    color: var(--uaip-accent, #3451b2);
  }
  .muted,
  .hint {
    color: var(--uaip-muted, #57606a);
    font-size: 0.9em;
  }
  .hint {
    margin: 0.25em 0 0;
  }
  /* A confirmation asked in place (delete, remove, leave). */
  .confirm {
    flex-basis: 100%;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5em;
    margin: 0;
    padding: 0.4em 0.6em;
    border-left: 4px solid var(--uaip-danger, #b00020);
  }
  button.danger {
    background: var(--uaip-danger, #b00020);
    border-color: var(--uaip-danger, #b00020);
  }
  .error {
    color: var(--uaip-danger, #b00020);
    border-left: 4px solid var(--uaip-danger, #b00020);
    padding: 0.25em 0.75em;
    margin: 0.5em 0;
  }
  .spinner {
    display: inline-block;
    width: 1em;
    height: 1em;
    vertical-align: -0.15em;
    border: 2px solid var(--uaip-border, #8c959f);
    border-top-color: var(--uaip-accent, #3451b2);
    border-radius: 50%;
    animation: uaip-spin 0.8s linear infinite;
  }
  @keyframes uaip-spin {
    to {
      transform: rotate(360deg);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation-duration: 3s;
    }
  }
`;

/**
 * @internal Styles of `<uaip-session>`'s own blocks: live progress, the notice, and the
 * question a viewer waits on.
 */
export const sessionStyles = css`
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
  .waiting {
    margin: 1em 0;
    padding: 0.4em 0.75em;
    border-left: 4px solid var(--uaip-border, #8c959f);
  }
  .waiting p {
    margin: 0.25em 0;
  }
  .notice.warning {
    border-left-color: var(--uaip-warning, #b35900);
    background: var(--uaip-warning-surface, #fff4e5);
  }
`;
