import { humanize } from './artifact-view';

/** One field that differs between two versions of a report. */
export interface FieldChange {
  /** The keys from the report's root, humanised ("Stages", "Business translation", …). */
  path: string[];
  kind: 'changed' | 'added' | 'removed';
  /** The earlier value, in words (absent for `added`). */
  before?: string;
  /** The later value, in words (absent for `removed`). */
  after?: string;
}

/** What differs between two versions of a report. */
export interface ReportChanges {
  /** The decision before and after, in words; null when it did not change or there is none. */
  decision: { before: string; after: string } | null;
  /** Every other field that differs, in the later report's order. */
  fields: FieldChange[];
}

/** Top-level keys that differ on every build and say nothing about the project. */
const BOOKKEEPING = new Set(['usage', 'date', 'producedBy', 'generatedAt']);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isScalar = (value: unknown) => value === null || typeof value !== 'object';
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A report's decision: `decision` itself, or `decision.decision` (the U-AIP charter's). */
export function decisionOf(report: unknown): string | null {
  if (!isObject(report)) return null;
  const decision = report.decision;
  if (typeof decision === 'string') return decision;
  return isObject(decision) && typeof decision.decision === 'string' ? decision.decision : null;
}

/** A value in plain words: text quoted, lists joined, objects as "Key: value" pairs. */
export function inWords(value: unknown, depth = 0): string {
  if (value === null || value === undefined || value === '') return 'nothing';
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (isScalar(value)) return String(value);
  if (depth > 1) return '…';
  if (Array.isArray(value))
    return value.length === 0 ? 'none' : value.map((item) => inWords(item, depth + 1)).join(', ');
  const entries = Object.entries(value as Json);
  if (entries.length === 0) return 'nothing';
  return entries.map(([key, item]) => `${humanize(key)}: ${inWords(item, depth + 1)}`).join('; ');
}

/** Keys that name an object in a list (a gate's `title`, a KPI's `name`), in preference order. */
const NAMING = ['title', 'name', 'label', 'principle', 'stageId', 'id'];

/** The name of a list item, if it has one: shortened for a path, visibly (…). */
function labelOf(item: unknown): string | null {
  if (!isObject(item)) return null;
  for (const key of NAMING) {
    const value = item[key];
    if (typeof value === 'string' && value.trim() !== '')
      return value.length > 40 ? `${value.slice(0, 39).trimEnd()}…` : value;
  }
  return null;
}

/** Whether every item of a list has a name of its own (then items are matched by name). */
function named(list: unknown[]): boolean {
  const labels = list.map(labelOf);
  return labels.every((label) => label !== null) && new Set(labels).size === labels.length;
}

/**
 * What changed between two versions of a report (any JSON; the U-AIP charter's here): the
 * decision, then a field-level walk. Lists of plain values say what was added and removed;
 * lists of named objects are matched by name (else compared item by item); bookkeeping
 * (usage, dates) is left out.
 */
export function reportChanges(before: unknown, after: unknown): ReportChanges {
  const was = decisionOf(before);
  const now = decisionOf(after);
  const decision =
    was !== null && now !== null && was !== now
      ? { before: humanize(was), after: humanize(now) }
      : null;
  const fields: FieldChange[] = [];
  walk(before, after, [], fields);
  // The decision is said once, above the fields; its copies (quick facts) need no line.
  const repeats = (field: FieldChange) =>
    decision !== null &&
    field.kind === 'changed' &&
    field.path.at(-1) === 'Decision' &&
    field.before === inWords(was) &&
    field.after === inWords(now);
  return { decision, fields: fields.filter((field) => !repeats(field)) };
}

function walk(before: unknown, after: unknown, path: string[], out: FieldChange[]): void {
  if (same(before, after)) return;
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(after), ...Object.keys(before)])];
    for (const key of keys) {
      if (path.length === 0 && BOOKKEEPING.has(key)) continue;
      walk(before[key], after[key], [...path, humanize(key)], out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    if (before.every(isScalar) && after.every(isScalar)) {
      const has = (list: unknown[], item: unknown) => list.some((other) => same(other, item));
      for (const item of after)
        if (!has(before, item)) out.push({ path, kind: 'added', after: inWords(item) });
      for (const item of before)
        if (!has(after, item)) out.push({ path, kind: 'removed', before: inWords(item) });
      return;
    }
    if (named(before) && named(after)) {
      const byLabel = (list: unknown[]) => new Map(list.map((item) => [labelOf(item)!, item]));
      const was = byLabel(before);
      const now = byLabel(after);
      for (const [label, item] of now)
        if (was.has(label)) walk(was.get(label), item, [...path, label], out);
        else out.push({ path, kind: 'added', after: `"${label}"` });
      for (const label of was.keys())
        if (!now.has(label)) out.push({ path, kind: 'removed', before: `"${label}"` });
      return;
    }
    for (let index = 0; index < Math.max(before.length, after.length); index++)
      walk(before[index], after[index], [...path, `item ${index + 1}`], out);
    return;
  }
  if (before === undefined) out.push({ path, kind: 'added', after: inWords(after) });
  else if (after === undefined) out.push({ path, kind: 'removed', before: inWords(before) });
  else out.push({ path, kind: 'changed', before: inWords(before), after: inWords(after) });
}
