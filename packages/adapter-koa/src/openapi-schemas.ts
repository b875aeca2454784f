import { z } from 'zod';

/**
 * Turns zod schemas into the OpenAPI document's JSON Schemas. A recursive schema (any JSON
 * value, say) comes out of zod with `$defs` and `$ref: '#/$defs/…'`; inside an OpenAPI
 * document `#` is the document's root, so those definitions move to `components.schemas`
 * (one entry per distinct definition, shared by every schema that uses it) and the references
 * follow them.
 */
export function openApiSchemas() {
  const byContent = new Map<string, string>();
  const components: Record<string, unknown> = {};

  function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
    const {
      $schema: _dialect,
      $defs,
      ...rest
    } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
    const renamed = new Map<string, string>();
    for (const [name, definition] of Object.entries(($defs ?? {}) as Record<string, unknown>)) {
      renamed.set(name, componentFor(name, definition));
    }
    // A definition may refer to another (or to itself): rewrite them once all are named.
    for (const name of renamed.values()) components[name] = rewrite(components[name], renamed);
    return rewrite(rest, renamed) as Record<string, unknown>;
  }

  function componentFor(name: string, definition: unknown): string {
    // Keyed by content with the local names left in: two schemas' `__schema0` may differ.
    const key = JSON.stringify([name, definition]);
    const known = byContent.get(key);
    if (known) return known;
    const component = `Json${byContent.size + 1}`;
    byContent.set(key, component);
    components[component] = definition;
    return component;
  }

  return { schemaOf, components: () => components };
}

function rewrite(value: unknown, renamed: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => rewrite(item, renamed));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const local = key === '$ref' && typeof item === 'string' && item.startsWith('#/$defs/');
    const target = local ? renamed.get(item.slice('#/$defs/'.length)) : undefined;
    out[key] = target ? `#/components/schemas/${target}` : rewrite(item, renamed);
  }
  return out;
}
