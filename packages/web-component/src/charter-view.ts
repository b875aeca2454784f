import { css, html, nothing, type TemplateResult } from 'lit';
import type { CharterFormat } from './api-types';

type Inline = Array<string | TemplateResult>;

/**
 * Inline Markdown as the charter uses it: `**bold**` and backslash escapes. Everything else
 * stays literal text (Lit puts it in text nodes), so nothing the server sends becomes markup.
 */
export function inlineMarkdown(text: string): Inline {
  const out: Inline = [];
  let plain = '';
  let bold: string | null = null;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '\\' && index + 1 < text.length) {
      index++;
      if (bold === null) plain += text[index];
      else bold += text[index];
    } else if (char === '*' && text[index + 1] === '*') {
      index++;
      if (bold === null) {
        out.push(plain);
        plain = '';
        bold = '';
      } else {
        out.push(html`<strong>${bold}</strong>`);
        bold = null;
      }
    } else if (bold === null) plain += char;
    else bold += char;
  }
  // An unclosed ** is shown as written.
  out.push(bold === null ? plain : `${plain}**${bold}`);
  return out;
}

/** Splits a table row on its unescaped pipes. */
function cells(row: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let index = 0; index < row.length; index++) {
    const char = row[index]!;
    if (char === '\\' && index + 1 < row.length) current += char + row[++index];
    else if (char === '|') {
      parts.push(current.trim());
      current = '';
    } else current += char;
  }
  parts.push(current.trim());
  // The leading and trailing pipes leave an empty first and last cell.
  return parts.slice(1, -1);
}

function heading(level: number, text: string) {
  const content = inlineMarkdown(text);
  // The charter sits under the session's h2: its #, ## and ### become h3, h4 and h5.
  if (level === 1) return html`<h3>${content}</h3>`;
  if (level === 2) return html`<h4>${content}</h4>`;
  return html`<h5>${content}</h5>`;
}

/**
 * The charter's Markdown drawn as document structure: headings, paragraphs, notices, lists and
 * tables. It understands the subset the server writes; anything else shows as plain text.
 */
export function charterView(markdown: string): TemplateResult {
  const blocks: TemplateResult[] = [];
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  let index = 0;
  while (index < lines.length) {
    const line = lines[index]!;
    const headingMatch = /^(#{1,6})\s+(.*)$/.exec(line);
    if (line.trim() === '') {
      index++;
    } else if (headingMatch) {
      blocks.push(heading(headingMatch[1]!.length, headingMatch[2]!));
      index++;
    } else if (line.startsWith('- ')) {
      const items: string[] = [];
      while (lines[index]?.startsWith('- ')) items.push(lines[index++]!.slice(2));
      blocks.push(html`<ul>${items.map((item) => html`<li>${inlineMarkdown(item)}</li>`)}</ul>`);
    } else if (line.startsWith('|')) {
      const rows: string[][] = [];
      while (lines[index]?.startsWith('|')) rows.push(cells(lines[index++]!));
      const [head = [], ...body] = rows;
      const data = body.filter((row) => !row.every((cell) => /^:?-{3,}:?$/.test(cell)));
      blocks.push(html`<p class="scroll-hint" part="scroll-hint" hidden>Scroll sideways to see every column →</p>
        <div class="table" tabindex="0" role="region" aria-label="Table: scroll sideways when it is wider than the page"><table>
        <thead><tr>${head.map((cell) => html`<th scope="col">${inlineMarkdown(cell)}</th>`)}</tr></thead>
        <tbody>${data.map((row) => html`<tr>${row.map((cell) => html`<td>${inlineMarkdown(cell)}</td>`)}</tr>`)}</tbody>
      </table></div>`);
    } else if (line.startsWith('>')) {
      const quoted: string[] = [];
      while (lines[index]?.startsWith('>')) quoted.push(lines[index++]!.replace(/^>\s?/, ''));
      blocks.push(html`<p class="notice">${inlineMarkdown(quoted.join(' '))}</p>`);
    } else {
      const paragraph: string[] = [];
      while (lines[index]?.trim() && !/^(#{1,6}\s|- |\||>)/.test(lines[index]!)) {
        paragraph.push(lines[index++]!);
      }
      blocks.push(html`<p>${inlineMarkdown(paragraph.join(' '))}</p>`);
    }
  }
  return html`<article class="charter" part="charter">${blocks}</article>`;
}

const DOWNLOADS: Array<[CharterFormat, string]> = [
  ['md', 'Download Markdown'],
  ['json', 'Download JSON'],
  ['html', 'Download HTML'],
];

/**
 * What a completed session shows: the download buttons, what changed since the previous
 * version of the charter (after a revision), and the charter (null while it loads).
 */
export function completedSection(
  charter: string | null,
  download: (format: CharterFormat) => void,
  changes: TemplateResult | typeof nothing = nothing,
): TemplateResult {
  return html`<section aria-labelledby="done-heading">
    <h3 id="done-heading">Session completed: the AI Project Charter</h3>
    <div class="downloads">${DOWNLOADS.map(
      ([format, label]) => html`<button type="button" part="button download"
        @click=${() => download(format)}>${label}</button>`,
    )}</div>
    ${changes}
    ${charter === null ? html`<p class="muted" role="status">Loading the charter…</p>` : charterView(charter)}
  </section>`;
}

/** @internal Styles of {@link charterView}. */
export const charterStyles = css`
  .charter {
    border: 1px solid var(--uaip-border, #8c959f);
    border-radius: var(--uaip-radius, 6px);
    padding: 0 1em 1em;
  }
  .notice {
    border-left: 4px solid var(--uaip-accent, #3451b2);
    padding-left: 0.75em;
  }
  .table {
    overflow-x: auto;
    /* Shadows at an edge with more columns beyond it (they scroll away with the content). */
    background:
      linear-gradient(to right, var(--uaip-surface, #fff) 30%, transparent) left / 2em 100%,
      linear-gradient(to left, var(--uaip-surface, #fff) 30%, transparent) right / 2em 100%,
      radial-gradient(farthest-side at 0 50%, rgb(0 0 0 / 20%), transparent) left / 0.75em 100%,
      radial-gradient(farthest-side at 100% 50%, rgb(0 0 0 / 20%), transparent) right / 0.75em 100%;
    background-repeat: no-repeat;
    background-attachment: local, local, scroll, scroll;
  }
  .scroll-hint {
    margin: 0.5em 0 0.25em;
    font-size: 0.85em;
    color: var(--uaip-muted, #57606a);
  }
  @container (max-width: 36em) {
    th,
    td {
      min-width: 8em;
    }
  }
  .downloads {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
    margin: 0.5em 0 1em;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    border: 1px solid var(--uaip-border, #8c959f);
    padding: 0.3em 0.5em;
    text-align: left;
    vertical-align: top;
  }
`;
