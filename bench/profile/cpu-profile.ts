import { readFileSync } from 'node:fs';

// A V8 .cpuprofile (what `node --cpu-prof` writes), reduced to what is needed to see where the
// time goes: self time per function, and stacks folded for a flame graph.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A function's name and where it lives, shortened to the package or project path. */
function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/packages\//, '@uaip/')
    .replace(/^node:/, 'node:');
  const name = functionName || '(anonymous)';
  return where ? `${name} ${where}:${lineNumber + 1}` : name;
}

/** Microseconds of CPU per folded stack (root first, `;`-separated), idle and GC apart. */
export function foldedStacks(file: string): Map<string, number> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const stackOf = new Map<number, string>();
  const stack = (id: number): string => {
    const known = stackOf.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id)!;
    const up = parent.get(id);
    const name = frameName(node);
    const folded = up === undefined || name === '(root)' ? name : `${stack(up)};${name}`;
    stackOf.set(id, folded);
    return folded;
  };
  const folded = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const key = stack(id);
    folded.set(key, (folded.get(key) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  return folded;
}

/** Self and total time per frame, in microseconds, busiest first (idle left out). */
export function hotFrames(folded: Map<string, number>) {
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let busy = 0;
  for (const [stack, micros] of folded) {
    const frames = stack.split(';');
    const leaf = frames.at(-1)!;
    if (leaf.startsWith('(idle)') || leaf.startsWith('(program)')) continue;
    busy += micros;
    self.set(leaf, (self.get(leaf) ?? 0) + micros);
    for (const frame of new Set(frames)) total.set(frame, (total.get(frame) ?? 0) + micros);
  }
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
  return { busy, self: sorted(self), total: sorted(total) };
}
