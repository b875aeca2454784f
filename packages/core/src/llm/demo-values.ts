import {
  FORMAT_SAMPLES,
  fitsRange,
  inRange,
  isSchema,
  matchPatterns,
  numberOr,
  patternsOf,
  resolve,
  type Schema,
  typeOf,
} from './demo-schema';
import { clausesOf, clip, type DemoSource, sentencesOf, stemsOf } from './demo-text';

/** Where a value goes: the stems of its property name, description and parent's name. */
interface Slot {
  name: string[];
  context: string[];
  depth: number;
  /** The index of the array item the value is in, so items differ. */
  item?: number;
  /** A record key wants a few words, not a sentence. */
  key?: boolean;
  /** A name, title or role wants the words a sentence starts with, not the whole sentence. */
  label?: boolean;
  /** The description asks for several sentences or a paragraph (a summary, an assessment). */
  several?: boolean;
  /** The description says the list may be empty: the demo cannot find such things. */
  mayBeEmpty?: boolean;
}

interface Sentence {
  text: string;
  stems: Set<string>;
  questionStems: Set<string>;
  uses: number;
}

// Past this nesting, arrays get only their minimum and objects only their required keys, so a
// recursive schema (`$ref: '#'`) ends.
const MAX_DEPTH = 8;
// Long enough to carry an answer's point, short enough to read in a record.
const TEXT_LENGTH = 240;
const NEGATION =
  /\b(?:not|no|never|without|cannot|unavailable|isn't|aren't|won't|doesn't|nobody|none|neither|nor|nothing)\b/i;
// A minus only when it starts a word, so `2020-2025` is not read as -2025.
const NUMBER = /(?:(?<=^|\s)-)?\d[\d,]*(?:\.\d+)?(\s*(?:%|percent|per cent))?/gi;

/**
 * Builds a value that validates against a JSON Schema (as `z.toJSONSchema` emits it), filled
 * from the user's answers: strings are the answer sentences most related to the property's
 * name, numbers come from the answers when one fits the range, enums pick the value the
 * answers name. Deterministic: the same schema and answers give the same value.
 *
 * Limitation: a `pattern` the answer text does not match is met only for the common shapes
 * (formats, `^prefix`, `suffix$`, a literal); any other pattern keeps the answer text.
 *
 * @example
 * ```ts
 * const source = readSource([{ role: 'user', content: '<answer>A regression problem.</answer>' }]);
 * demoValue(z.toJSONSchema(z.object({ archetype: z.enum(['classification', 'regression']) })), source);
 * // { archetype: 'regression' }
 * ```
 */
export function demoValue(schema: Schema, source: DemoSource): unknown {
  // Answers when there are any; otherwise the facts a prompt wrote as text records.
  const main = source.answers.length > 0 ? source.answers : source.records;
  const passages = [
    ...main,
    ...(source.idea ? [{ question: 'Project idea', text: source.idea }] : []),
  ];
  const sentences: Sentence[] = passages.flatMap((passage) =>
    sentencesOf(passage.text).map((text) => ({
      text,
      stems: new Set(stemsOf(text)),
      questionStems: new Set(stemsOf(passage.question)),
      uses: 0,
    })),
  );

  const relevance = (sentence: Sentence, slot: Slot): number => {
    let score = 0;
    for (const stem of new Set(slot.name)) {
      // Named in the sentence, or asked for by the question it answers ("their role, goals…").
      score += (sentence.stems.has(stem) ? 3 : 0) + (sentence.questionStems.has(stem) ? 2 : 0);
    }
    for (const stem of new Set(slot.context)) {
      score += (sentence.stems.has(stem) ? 1 : 0) + (sentence.questionStems.has(stem) ? 1 : 0);
    }
    return score;
  };
  // Related sentences first, most related first; the n-th array item starts at the n-th, so
  // items differ. Unrelated ones follow, least used first, so fields the answers say nothing
  // about walk through the answers instead of repeating the first sentence.
  const ranked = (slot: Slot): Sentence[] => {
    const scored = sentences.map((sentence, index) => ({
      sentence,
      index,
      score: relevance(sentence, slot),
    }));
    const related = scored
      .filter((entry) => entry.score > 0)
      .sort((a, b) => b.score - a.score || a.index - b.index);
    const others = scored
      .filter((entry) => entry.score === 0)
      .sort((a, b) => a.sentence.uses - b.sentence.uses || a.index - b.index);
    const shift = related.length > 0 ? (slot.item ?? 0) % related.length : 0;
    return [...related.slice(shift), ...related.slice(0, shift), ...others].map(
      (entry) => entry.sentence,
    );
  };

  // The clause of a sentence that names the slot, when the sentence has several: "baseline 8%"
  // out of "Churn rate: baseline 8%, target 5% by 2027".
  const clause = (sentence: Sentence, slot: Slot): string | null => {
    const clauses = clausesOf(sentence.text);
    if (clauses.length < 2 || slot.name.length === 0) return null;
    let best: string | null = null;
    let bestScore = 0;
    for (const part of clauses) {
      const stems = new Set(stemsOf(part));
      const named = slot.name.filter((stem) => stems.has(stem)).length;
      if (named === 0) continue;
      const score = named * 3 + slot.context.filter((stem) => stems.has(stem)).length;
      if (score > bestScore) [best, bestScore] = [part, score];
    }
    return best;
  };

  // A paragraph: the first sentence of each passage, in order, each once.
  const paragraph = (): string => {
    const chosen: string[] = [];
    for (const passage of main.length > 0 ? main : passages) {
      const first = sentencesOf(passage.text)[0];
      if (!first || chosen.includes(first)) continue;
      chosen.push(/[.!?…]$/.test(first) ? first : `${first}.`);
      if (chosen.length === 6) break;
    }
    return chosen.join(' ') || '(demo) not stated in the answers';
  };

  const text = (slot: Slot): string => {
    if (slot.several) return paragraph();
    const best = ranked(slot)[0];
    if (!best) return '(demo) not stated in the answers';
    best.uses++;
    if (slot.label) {
      // "Monthly churn rate: baseline 8%, target 5%" is named "Monthly churn rate".
      const [first = best.text] = clausesOf(best.text);
      return clip(first.split(/:\s/)[0]!, TEXT_LENGTH);
    }
    if (!slot.key) return clip(clause(best, slot) ?? best.text, TEXT_LENGTH);
    const words = best.text.toLowerCase().split(/[^\p{L}\p{N}]+/u);
    return (
      words
        .filter((word) => word.length > 2)
        .slice(0, 3)
        .join('-') || 'demo'
    );
  };

  const string = (node: Schema, slot: Slot): string => {
    const format = typeof node.format === 'string' ? FORMAT_SAMPLES[node.format] : undefined;
    let value = format ?? text(slot);
    const min = numberOr(node.minLength, 0);
    const max = numberOr(node.maxLength, Number.POSITIVE_INFINITY);
    for (const sentence of sentences) {
      if (value.length >= min) break;
      if (!value.includes(sentence.text)) value = `${value} ${sentence.text}`;
    }
    if (value.length < min) value = value.padEnd(min, ' (demo)');
    const clipped = clip(value, max);
    // A word-boundary cut may fall below minLength; then cut exactly at the maximum.
    return matchPatterns(clipped.length >= min ? clipped : value.slice(0, max), patternsOf(node));
  };

  const number = (node: Schema, slot: Slot, integer: boolean): number => {
    const fits = (n: number) => fitsRange(node, n, integer);
    for (const sentence of ranked(slot)) {
      // The clause that names the slot first: "act within 72 hours; scores arrive after 6 hours".
      const named = clause(sentence, slot);
      const text = named ? `${named} ${sentence.text}` : sentence.text;
      for (const match of text.matchAll(NUMBER)) {
        const found = Number(match[0].replace(/[,%a-z\s]/gi, ''));
        // `40 %` is 0.4 where the range is a fraction (an effectiveness), else 40.
        const high = numberOr(node.maximum, numberOr(node.exclusiveMaximum, 2));
        const candidates = match[1] && high <= 1 ? [found / 100, found] : [found];
        const fit = candidates.find(fits);
        if (fit !== undefined) {
          sentence.uses++;
          return fit;
        }
      }
    }
    return inRange(node, integer);
  };

  // True when a sentence names the field (half its words or more) without a negation.
  const boolean = (slot: Slot): boolean => {
    if (slot.name.length === 0) return false;
    return sentences.some(
      (sentence) =>
        slot.name.filter((stem) => sentence.stems.has(stem)).length * 2 >= slot.name.length &&
        !NEGATION.test(sentence.text),
    );
  };

  const choice = (values: unknown[], slot: Slot): unknown => {
    let chosen = values[0];
    let chosenScore = 0;
    for (const value of values) {
      const stems = stemsOf(String(value));
      if (stems.length === 0) continue;
      let score = 0;
      for (const sentence of sentences) {
        if (stems.every((stem) => sentence.stems.has(stem))) score += 1 + relevance(sentence, slot);
      }
      if (score > chosenScore) [chosen, chosenScore] = [value, score];
    }
    return chosen;
  };

  const object = (node: Schema, slot: Slot): Record<string, unknown> => {
    const properties = (isSchema(node.properties) ? node.properties : {}) as Record<string, Schema>;
    const required = Array.isArray(node.required) ? (node.required as string[]) : [];
    const extra = isSchema(node.additionalProperties) ? node.additionalProperties : undefined;
    const deep = slot.depth >= MAX_DEPTH;
    const keys = [...new Set([...(deep ? [] : Object.keys(properties)), ...required])];
    if (keys.length === 0 && extra && !deep) {
      // A record: one entry, its key made like any other value of the key schema.
      const keySchema = isSchema(node.propertyNames) ? node.propertyNames : { type: 'string' };
      keys.push(String(fill(keySchema, { ...slot, key: true })));
    }
    const result: Record<string, unknown> = {};
    for (const key of keys) {
      const child = properties[key] ?? extra ?? {};
      const description = typeof child.description === 'string' ? child.description : '';
      result[key] = fill(child, {
        name: stemsOf(key),
        context: [...stemsOf(description), ...slot.name],
        depth: slot.depth + 1,
        item: slot.item,
        label: /^(?:name|title|role)$/i.test(key),
        several: /\b(?:sentences|paragraph)\b/i.test(description),
        mayBeEmpty: /\bempty (?:when|if|list)\b|\bempty\b.*\bnone\b/i.test(description),
      });
    }
    return result;
  };

  const array = (node: Schema, slot: Slot): unknown[] => {
    const child = (item: number) => ({ ...slot, depth: slot.depth + 1, item });
    const prefix = Array.isArray(node.prefixItems) ? (node.prefixItems as Schema[]) : [];
    if (prefix.length > 0) return prefix.map((item, index) => fill(item, child(index)));
    if (node.items === false) return [];
    const min = numberOr(node.minItems, 0);
    const wanted = slot.depth >= MAX_DEPTH || slot.mayBeEmpty ? min : Math.max(min, 2);
    const count = Math.min(wanted, numberOr(node.maxItems, wanted));
    const items = isSchema(node.items) ? node.items : {};
    // The same text twice says nothing more: a repeat is dropped unless the minimum needs it.
    const values: unknown[] = [];
    for (let index = 0; values.length < count && index < count + 2; index++) {
      const value = fill(items, child(index));
      const repeat = typeof value === 'string' && values.includes(value);
      if (!repeat || values.length + (count + 2 - index) <= min) values.push(value);
    }
    return values;
  };

  const fill = (raw: Schema, slot: Slot): unknown => {
    const node = resolve(raw, schema);
    if ('const' in node) return node.const;
    if (Array.isArray(node.enum) && node.enum.length > 0) return choice(node.enum, slot);
    const branches = (node.anyOf ?? node.oneOf) as Schema[] | undefined;
    if (Array.isArray(branches) && branches.length > 0) {
      const resolved = branches.map((branch) => resolve(branch, schema));
      return fill(resolved.find((branch) => branch.type !== 'null') ?? resolved[0]!, slot);
    }
    if (slot.depth > MAX_DEPTH * 2) return null;
    switch (typeOf(node)) {
      case 'object':
        return object(node, slot);
      case 'array':
        return array(node, slot);
      case 'integer':
        return number(node, slot, true);
      case 'number':
        return number(node, slot, false);
      case 'boolean':
        return boolean(slot);
      case 'null':
        return null;
      default:
        return string(node, slot);
    }
  };

  return fill(schema, { name: [], context: [], depth: 0 });
}
