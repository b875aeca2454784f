/** A JSON Schema node as `z.toJSONSchema` emits it, read defensively. */
export type Schema = Record<string, unknown>;

/** Values that pass the `format` (and zod's pattern for it) of a string schema. */
export const FORMAT_SAMPLES: Record<string, string> = {
  email: 'demo@example.com',
  uri: 'https://example.com/demo',
  url: 'https://example.com/demo',
  uuid: '00000000-0000-4000-8000-000000000000',
  'date-time': '2025-01-01T00:00:00Z',
  date: '2025-01-01',
  time: '12:00:00',
  duration: 'P1D',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  hostname: 'example.com',
};

/** Whether a value is a schema node (a plain object). */
export function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value when it is a number, else the fallback. */
export function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

/** Follows `$ref` (`#`, `#/$defs/…`) and merges `allOf` members into one node. */
export function resolve(node: Schema, root: Schema, seen = 0): Schema {
  if (typeof node.$ref === 'string' && seen < 32) {
    const { $ref, ...siblings } = node;
    let target: unknown = root;
    for (const part of $ref.replace(/^#\/?/, '').split('/').filter(Boolean)) {
      const key = decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~');
      target = isSchema(target) ? target[key] : undefined;
    }
    return resolve({ ...(isSchema(target) ? target : {}), ...siblings }, root, seen + 1);
  }
  if (!Array.isArray(node.allOf)) return node;
  const { allOf, ...rest } = node;
  let merged: Schema = rest;
  for (const part of allOf as Schema[]) {
    const member = resolve(part, root, seen + 1);
    const combined: Schema = {
      ...member,
      ...merged,
      allPatterns: [...patternsOf(merged), ...patternsOf(member)],
    };
    if (isSchema(member.properties) || isSchema(merged.properties)) {
      combined.properties = { ...(member.properties as Schema), ...(merged.properties as Schema) };
    }
    if (Array.isArray(member.required) || Array.isArray(merged.required)) {
      combined.required = [
        ...((member.required as string[]) ?? []),
        ...((merged.required as string[]) ?? []),
      ];
    }
    merged = combined;
  }
  return merged;
}

/** The node's type; for a type list, its first non-null member. */
export function typeOf(node: Schema): string {
  const type = node.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return (type.find((entry) => entry !== 'null') as string) ?? 'null';
  if ('properties' in node || 'additionalProperties' in node) return 'object';
  if ('items' in node || 'prefixItems' in node) return 'array';
  return 'string';
}

/** The node's `pattern`, with those merged from its `allOf`. */
export function patternsOf(node: Schema): string[] {
  const own = typeof node.pattern === 'string' ? [node.pattern] : [];
  return [...own, ...(Array.isArray(node.allPatterns) ? (node.allPatterns as string[]) : [])];
}

/** The value if it matches every pattern, else the first sample shape that does. */
export function matchPatterns(value: string, patterns: string[]): string {
  if (patterns.length === 0) return value;
  const regexes = patterns.flatMap((pattern) => {
    try {
      return [new RegExp(pattern)];
    } catch {
      return []; // A pattern JavaScript cannot compile cannot be checked here either.
    }
  });
  const matches = (candidate: string) => regexes.every((regex) => regex.test(candidate));
  if (matches(value)) return value;
  // zod's startsWith / endsWith / includes become `^lit.*`, `.*lit$` and a bare literal.
  let prefix = '';
  let suffix = '';
  let middle = '';
  for (const pattern of patterns) {
    const literal = /^(\^)?(?:\.\*)?([\w ,:-]*)(?:\.\*)?(\$)?$/.exec(pattern);
    if (!literal) continue;
    if (literal[1]) prefix = literal[2]!;
    else if (literal[3]) suffix = literal[2]!;
    else middle = literal[2]!;
  }
  const candidates = [
    value.toLowerCase(),
    [prefix, value, middle, suffix].filter(Boolean).join(' '),
    `${prefix}${middle}${suffix}`,
    ...Object.values(FORMAT_SAMPLES),
  ];
  return candidates.find(matches) ?? value;
}

/** Whether `n` meets the node's bounds, `multipleOf` and integer type. */
export function fitsRange(node: Schema, n: number, integer: boolean): boolean {
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) return false;
  if (typeof node.minimum === 'number' && n < node.minimum) return false;
  if (typeof node.maximum === 'number' && n > node.maximum) return false;
  if (typeof node.exclusiveMinimum === 'number' && n <= node.exclusiveMinimum) return false;
  if (typeof node.exclusiveMaximum === 'number' && n >= node.exclusiveMaximum) return false;
  const step = node.multipleOf;
  return typeof step !== 'number' || Math.abs(n / step - Math.round(n / step)) < 1e-9;
}

/** A value inside the range: its middle when bounded on both sides, else near the bound. */
export function inRange(node: Schema, integer: boolean): number {
  const low = numberOr(node.minimum, numberOr(node.exclusiveMinimum, Number.NaN));
  const high = numberOr(node.maximum, numberOr(node.exclusiveMaximum, Number.NaN));
  const safe = (n: number) => Math.abs(n) < 1e9;
  let middle = 1;
  if (safe(low) && safe(high)) middle = (low + high) / 2;
  else if (safe(low)) middle = low + 1;
  else if (safe(high)) middle = high - 1;
  const step = numberOr(node.multipleOf, 1);
  const candidates = [
    middle,
    Math.round(middle),
    Math.floor(middle),
    Math.ceil(middle),
    Math.round(middle / step) * step,
    Math.ceil(low / step) * step,
    Math.floor(high / step) * step,
    0,
  ];
  return candidates.find((n) => fitsRange(node, n, integer)) ?? middle;
}
