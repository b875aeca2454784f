import type { LlmMessage } from './types';

/** One answer the user gave, unescaped, with the question the prompt showed before it. */
export interface DemoAnswer {
  question: string;
  text: string;
}

/** The user's words a demo reply is built from, read from the prompt's delimited text. */
export interface DemoSource {
  answers: DemoAnswer[];
  /** The project idea (`<idea>…</idea>`), when the prompt carries one. */
  idea: string | null;
  /**
   * The lines of plain-text records (`<record>…</record>` that is not JSON), each labelled by
   * what precedes its first colon: facts a prompt derived from the answers for the model.
   */
  records: DemoAnswer[];
}

// Prompts delimit user text with `delimit()`; questions sit on their own `Question: …` line.
const TAGGED_OR_QUESTION = /<(answer|idea|record)>([\s\S]*?)<\/\1>|^Question: (.+)$/gm;

/**
 * Reads the answers, the idea and the text records out of the user messages, in order. Only
 * user messages are read, so a re-ask quoting the model's own reply adds nothing. JSON records
 * (structured data for a model) are left out.
 */
export function readSource(messages: LlmMessage[]): DemoSource {
  const source: DemoSource = { answers: [], idea: null, records: [] };
  for (const message of messages) {
    if (message.role !== 'user') continue;
    let question = '';
    for (const match of message.content.matchAll(TAGGED_OR_QUESTION)) {
      if (match[3] !== undefined) question = match[3].trim();
      else if (match[1] === 'idea') source.idea ??= unescapeTagged(match[2]!);
      else if (match[1] === 'record') source.records.push(...textRecordLines(match[2]!));
      else source.answers.push({ question, text: unescapeTagged(match[2]!) });
    }
  }
  return source;
}

function textRecordLines(tagged: string): DemoAnswer[] {
  const text = unescapeTagged(tagged);
  if (/^[[{]/.test(text)) return [];
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => ({ question: /^([^:]{1,60}):/.exec(line)?.[1] ?? '', text: line }));
}

/** Undoes `delimit()`: `&amp;` last, so an escaped `&lt;` written by the user survives. */
export function unescapeTagged(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&').trim();
}

/**
 * A sentence's clauses: the parts between commas and semicolons (a comma inside a figure such
 * as `2,000` does not split). A colon does not split either: "baseline: 8%" stays one clause.
 */
export function clausesOf(sentence: string): string[] {
  return sentence
    .replace(/[.!?]$/, '')
    .split(/(?<!\d)[,;](?!\d)\s*|[,;]\s+/)
    .map((clause) => clause.trim())
    .filter((clause) => clause.length > 0);
}

/** The text's sentences (or lines), trimmed, empty ones dropped. */
export function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0);
}

const STOP_WORDS = new Set(
  'a an and are as at be by can could do does for from has have how in is it its of on or our should that the their this to was we what when where which who why will with would you your'.split(
    ' ',
  ),
);

/**
 * Lower-case word stems of a text or an identifier (`availableInProduction`, `time_frame`),
 * stop words left out. A stem is the first six letters: crude, but it lets `features` meet
 * `feature` and `detection` meet `detect` without a dictionary.
 */
export function stemsOf(text: string): string[] {
  return (
    text
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((word) => word.length > 1 && !STOP_WORDS.has(word))
      // A plural's s goes first, so `inputs` meets `input` and `kpis` meets `kpi`.
      .map((word) =>
        (word.length > 3 && /[^s]s$/.test(word) ? word.slice(0, -1) : word).slice(0, 6),
      )
  );
}

/** Cuts a text to at most `max` characters at a word boundary, marking the cut with `…`. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 2) return text.slice(0, max);
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
