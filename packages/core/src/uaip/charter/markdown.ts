import type { Block, RenderedDocument } from './document';

/** Markdown of a rendered document: `#` title, `##` sections, GitHub-style tables. */
export function toMarkdown(document: RenderedDocument): string {
  const out = [`# ${inline(document.title)}`, ''];
  for (const block of document.intro) out.push(...blockLines(block), '');
  for (const section of document.sections) {
    out.push(`## ${inline(section.heading)}`, '');
    for (const block of section.blocks) out.push(...blockLines(block), '');
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

function blockLines(block: Block): string[] {
  switch (block.kind) {
    case 'paragraph':
      return [inline(block.text)];
    case 'notice':
      return [`> **${inline(block.text)}**`];
    case 'subheading':
      return [`### ${inline(block.text)}`];
    case 'list':
      return block.items.map((item) => `- ${inline(item)}`);
    case 'fields':
      return block.rows.map(([label, value]) => `- **${inline(label)}:** ${inline(value)}`);
    case 'table':
      if (block.rows.length === 0) return ['None given.'];
      return [
        `| ${block.headers.map(cell).join(' | ')} |`,
        `| ${block.headers.map(() => '---').join(' | ')} |`,
        ...block.rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
      ];
  }
}

// User text must not turn into Markdown structure (headings, lists, links, HTML).
function inline(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/([\\`*_[\]<>#|])/g, '\\$1')
    .trim();
}

function cell(text: string): string {
  return inline(text) || ' ';
}
