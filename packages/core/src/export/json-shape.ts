import type { ErrorDetail } from '../errors';

/** How deep a session export may nest: its own structure takes 6 levels, an artifact a few more. */
export const MAX_EXPORT_DEPTH = 64;

/**
 * The first thing in a parsed JSON document that no storage could keep, or null: nesting past
 * `MAX_EXPORT_DEPTH` (zod and PostgreSQL's jsonb recurse, and a JavaScript caller's cycle never
 * ends), or a string or key with a NUL character or a lone UTF-16 surrogate (PostgreSQL refuses
 * both in text and jsonb; JSON's `\ud800` escape makes the second). Walks without recursion, so a
 * document of any depth gets an answer rather than a stack overflow.
 */
export function unstorableJson(document: unknown): ErrorDetail | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [
    { value: document, path: '', depth: 0 },
  ];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = badText(value);
      if (problem) return { path, message: problem };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_EXPORT_DEPTH) {
      return { path, message: `Nested more than ${MAX_EXPORT_DEPTH} levels deep` };
    }
    for (const [key, child] of Object.entries(value)) {
      const childPath = path === '' ? key : `${path}.${key}`;
      const problem = badText(key);
      if (problem) return { path, message: `A key ${problem.toLowerCase()}` };
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return null;
}

// With the u flag a surrogate pair is one code point, so only a lone surrogate is in Cs.
const LONE_SURROGATE = /\p{Cs}/u;

function badText(text: string): string | null {
  if (text.includes('\u0000')) return 'Contains a NUL character';
  if (LONE_SURROGATE.test(text)) return 'Contains a lone UTF-16 surrogate, which is not Unicode';
  return null;
}
