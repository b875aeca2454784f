import type { Block, RenderedDocument } from './document';

const STYLE = `
  :root { color-scheme: light; }
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1f; max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; }
  h1 { font-size: 1.7rem; margin-bottom: .25rem; }
  h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 2px solid #d0d4dc; padding-bottom: .25rem; }
  h3 { font-size: 1rem; margin: 1.25rem 0 .4rem; }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: .9rem; }
  th, td { border: 1px solid #c8ccd4; padding: .35rem .5rem; text-align: left; vertical-align: top; }
  th { background: #eef0f4; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: .5rem 0; }
  dt { font-weight: 600; }
  dd { margin: 0; }
  .notice { border: 2px solid #b35900; background: #fff4e5; padding: .75rem 1rem; font-weight: 600; }
  @page { size: A4; margin: 18mm 16mm; }
  @media print {
    body { margin: 0; max-width: none; font-size: 10.5pt; }
    h2 { break-after: avoid; page-break-after: avoid; }
    h3 { break-after: avoid; }
    table, dl, .notice { break-inside: avoid; page-break-inside: avoid; }
    thead { display: table-header-group; }
    a { color: inherit; text-decoration: none; }
  }
`;

/** A standalone, printable HTML page of a rendered document ("Save as PDF" gives a clean charter). */
export function toHtml(document: RenderedDocument): string {
  const body = [
    `<h1>${escapeHtml(document.title)}</h1>`,
    ...document.intro.map(block),
    ...document.sections.map(
      (section) =>
        `<section>\n<h2>${escapeHtml(section.heading)}</h2>\n${section.blocks.map(block).join('\n')}\n</section>`,
    ),
  ].join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function block(item: Block): string {
  switch (item.kind) {
    case 'paragraph':
      return `<p>${escapeHtml(item.text)}</p>`;
    case 'notice':
      return `<p class="notice" role="note">${escapeHtml(item.text)}</p>`;
    case 'subheading':
      return `<h3>${escapeHtml(item.text)}</h3>`;
    case 'list':
      return `<ul>${item.items.map((text) => `<li>${escapeHtml(text)}</li>`).join('')}</ul>`;
    case 'fields':
      return `<dl>${item.rows.map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`).join('')}</dl>`;
    case 'table':
      if (item.rows.length === 0) return '<p>None given.</p>';
      return `<table><thead><tr>${item.headers.map((header) => `<th>${escapeHtml(header)}</th>`).join('')}</tr></thead><tbody>${item.rows
        .map((row) => `<tr>${row.map((value) => `<td>${escapeHtml(value)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`;
  }
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
