import { readFile } from 'node:fs/promises';

// Object counts and sizes by constructor in a V8 heap snapshot (.heapsnapshot, as
// v8.writeHeapSnapshot writes it), and what grew between two of them.

export type Census = Map<string, { count: number; size: number }>;

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Plain objects by constructor, closures by function name, everything else by its type. */
const NAMED = new Set(['object', 'closure', 'native', 'array', 'hidden']);

export async function census(file: string): Promise<Census> {
  const snapshot = JSON.parse(await readFile(file, 'utf8')) as Snapshot;
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [type, name, size] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field));
  const { nodes, strings } = snapshot;
  const result: Census = new Map();
  for (let at = 0; at < nodes.length; at += fields.length) {
    const kind = types[nodes[at + type!]!]!;
    const key = NAMED.has(kind) ? `${kind} ${strings[nodes[at + name!]!]}` : `(${kind})`;
    const entry = result.get(key) ?? { count: 0, size: 0 };
    entry.count++;
    entry.size += nodes[at + size!]!;
    result.set(key, entry);
  }
  return result;
}

export interface Growth {
  key: string;
  count: number;
  size: number;
  /** The count at the start. */
  from: number;
}

/** What grew from `start` to `end`, most added bytes first. */
export function growth(start: Census, end: Census, top = 15): Growth[] {
  return [...end]
    .map(([key, { count, size }]) => {
      const before = start.get(key) ?? { count: 0, size: 0 };
      return { key, count: count - before.count, size: size - before.size, from: before.count };
    })
    .filter((entry) => entry.size > 0 || entry.count > 0)
    .sort((a, b) => b.size - a.size)
    .slice(0, top);
}

export function totalSize(census: Census): number {
  return [...census.values()].reduce((sum, entry) => sum + entry.size, 0);
}
