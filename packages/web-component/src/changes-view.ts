import { css, html, nothing, type TemplateResult } from 'lit';
import type { FieldChange, ReportChanges } from './report-changes';

/** How many changed fields show before the rest fold away. */
const SHOWN = 12;

function change(field: FieldChange) {
  const what =
    field.kind === 'added'
      ? `added ${field.after}`
      : field.kind === 'removed'
        ? `removed ${field.before}`
        : `was ${field.before}, now ${field.after}`;
  return html`<li><span class="path">${field.path.join(' › ') || 'The charter'}</span>: ${what}</li>`;
}

/**
 * "What changed since the previous version" of the charter: the decision, then each field
 * that differs, in plain words. Nothing when there is no previous version.
 */
export function changesView(changes: ReportChanges | null): TemplateResult | typeof nothing {
  if (!changes) return nothing;
  const { decision, fields } = changes;
  const rest = fields.slice(SHOWN);
  return html`<section class="changes" part="changes" aria-labelledby="changes-heading">
    <h4 id="changes-heading">What changed since the previous version</h4>
    <p class="decision">${
      decision
        ? html`Decision changed from ${decision.before} to <strong>${decision.after}</strong>.`
        : 'The decision did not change.'
    }</p>
    ${
      fields.length === 0
        ? html`<p class="muted">No other field of the charter changed.</p>`
        : html`<ul>${fields.slice(0, SHOWN).map(change)}</ul>`
    }
    ${
      rest.length > 0
        ? html`<details><summary>${rest.length} more ${rest.length === 1 ? 'change' : 'changes'}</summary>
            <ul>${rest.map(change)}</ul></details>`
        : nothing
    }
  </section>`;
}

/** @internal Styles of {@link changesView}. */
export const changesStyles = css`
  .changes {
    border-left: 4px solid var(--uaip-accent, #3451b2);
    padding: 0.1em 0.75em 0.25em;
    margin: 0 0 1em;
  }
  .changes h4 {
    margin-top: 0.5em;
  }
  .changes ul {
    padding-left: 1.25em;
    overflow-wrap: anywhere;
  }
  .changes .path {
    font-weight: 600;
  }
`;
