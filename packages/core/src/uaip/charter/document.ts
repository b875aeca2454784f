/** A block of a rendered document: the shapes both Markdown and HTML know how to draw. */
export type Block =
  | { kind: 'paragraph'; text: string }
  | { kind: 'notice'; text: string }
  | { kind: 'subheading'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'fields'; rows: Array<[label: string, value: string]> }
  | { kind: 'table'; headers: string[]; rows: string[][] };

/** A titled part of a rendered document. */
export interface Section {
  heading: string;
  blocks: Block[];
}

/** A document as data: built once from the charter, drawn as Markdown or HTML. */
export interface RenderedDocument {
  title: string;
  /** Shown right under the title (the title block). */
  intro: Block[];
  sections: Section[];
}

/** Text for a possibly empty value. */
export function orDash(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const text = String(value).trim();
  return text === '' ? '—' : text;
}

/** A list block (each item once), or a dash paragraph when the list is empty. */
export function listOrNone(items: string[], none = 'None given.'): Block {
  const kept = [...new Set(items.map((item) => item.trim()).filter(Boolean))];
  return kept.length > 0 ? { kind: 'list', items: kept } : { kind: 'paragraph', text: none };
}

/** Items joined by `separator`, each once (a demo extraction may repeat one). */
export function joined(items: string[], separator = '; '): string {
  return [...new Set(items.map((item) => item.trim()).filter(Boolean))].join(separator);
}
