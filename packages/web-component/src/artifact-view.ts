import { css, html, nothing, type TemplateResult } from 'lit';

// Words that are initialisms, written as such wherever they appear in a key.
const INITIALISMS: Record<string, string> = {
  ai: 'AI',
  ml: 'ML',
  kpi: 'KPI',
  kpis: 'KPIs',
  nlp: 'NLP',
  fair: 'FAIR',
  id: 'ID',
  url: 'URL',
  qa: 'QA',
  gdpr: 'GDPR',
};

/** `businessObjective` → "Business objective"; `aiJustification` → "AI justification". */
export function humanize(key: string): string {
  const words = key
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .map((word) => INITIALISMS[word] ?? word)
    .join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function scalar(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return String(value);
}

const isScalar = (value: unknown) => value === null || typeof value !== 'object';

/**
 * Any JSON value drawn for reading: objects as definition lists (keys humanised), arrays as
 * lists, objects inside arrays as numbered entries. Values are text nodes only; the server's
 * content never becomes markup.
 */
export function artifactView(value: unknown, depth = 0): TemplateResult | string {
  if (isScalar(value)) return scalar(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return html`<span class="muted">None</span>`;
    if (value.every(isScalar)) {
      return html`<ul>${value.map((item) => html`<li>${scalar(item)}</li>`)}</ul>`;
    }
    return html`<ol class="entries">${value.map(
      (item) => html`<li>${artifactView(item, depth + 1)}</li>`,
    )}</ol>`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return html`<span class="muted">None</span>`;
  return html`<dl class=${depth === 0 ? 'artifact' : 'nested'}>
    ${entries.map(
      ([key, item]) => html`<dt>${humanize(key)}</dt><dd>${artifactView(item, depth + 1)}</dd>`,
    )}
  </dl>`;
}

/**
 * The completed stages' artifacts, each under its stage title, folded by default; a stage
 * being rebuilt by a revision shows the artifact from before it, marked as such.
 */
export function completedArtifacts(
  stages: Array<{ id: string; title: string; status: string; artifact?: unknown }>,
) {
  const done = stages.filter((stage) => stage.status === 'completed' || stage.status === 'stale');
  if (done.length === 0) return nothing;
  return html`<section class="artifacts" aria-labelledby="artifacts-heading">
    <h3 id="artifacts-heading">What each completed stage captured</h3>
    ${done.map(
      (stage) => html`<details part="artifact" data-stage=${stage.id}>
        <summary>${stage.title}${stage.status === 'stale' ? html` <span class="muted">(being rebuilt: the version before your revision)</span>` : nothing}</summary>
        ${stage.artifact === undefined || stage.artifact === null ? html`<p class="muted">Nothing recorded.</p>` : artifactView(stage.artifact)}
      </details>`,
    )}
  </section>`;
}

/** @internal Styles of {@link artifactView}. */
export const artifactStyles = css`
  details {
    border: 1px solid var(--uaip-border, #8c959f);
    border-radius: var(--uaip-radius, 6px);
    padding: 0.5em 0.75em;
    margin: 0.5em 0;
  }
  summary {
    cursor: pointer;
    font-weight: 600;
  }
  dl {
    margin: 0.5em 0;
  }
  dt {
    font-weight: 600;
    margin-top: 0.4em;
  }
  dd {
    margin: 0 0 0 1em;
  }
  .entries > li + li {
    margin-top: 0.5em;
  }
`;
