import { z } from 'zod';

/** How to order a value of one schema: an object's declared keys, or an array's items. */
type Plan =
  | { kind: 'object'; keys: string[]; declared: Set<string>; children: Map<string, Plan | null> }
  | { kind: 'array'; element: Plan | null };

// A workflow's schemas do not change while it is served: each is read once.
const plans = new WeakMap<z.ZodType, Plan | null>();

/**
 * The value with the keys of every object in the order its schema declares them; keys the
 * schema does not name (what a stage's `derive` adds) follow, sorted. PostgreSQL's `jsonb`
 * stores keys in an order of its own, so without this a client would see a stage's fields
 * reshuffled between the answer that completed it and the next read. A value already in order
 * is returned as it is.
 */
export function inSchemaOrder(value: unknown, schema: z.ZodType | undefined): unknown {
  return ordered(value, schema ? planOf(schema) : null);
}

function ordered(value: unknown, plan: Plan | null): unknown {
  if (Array.isArray(value)) {
    const element = plan?.kind === 'array' ? plan.element : null;
    let changed = false;
    const items = value.map((item) => {
      const next = ordered(item, element);
      if (next !== item) changed = true;
      return next;
    });
    return changed ? items : value;
  }
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const object = plan?.kind === 'object' ? plan : null;
  const present = Object.keys(record);
  const keys = [
    ...(object ? object.keys.filter((key) => key in record) : []),
    ...present.filter((key) => !object?.declared.has(key)).sort(),
  ];
  let changed = keys.some((key, index) => present[index] !== key);
  const children: unknown[] = keys.map((key) => {
    const child = ordered(record[key], object?.children.get(key) ?? null);
    if (child !== record[key]) changed = true;
    return child;
  });
  if (!changed) return value;
  const result: Record<string, unknown> = {};
  keys.forEach((key, index) => {
    result[key] = children[index];
  });
  return result;
}

function planOf(schema: z.ZodType): Plan | null {
  const known = plans.get(schema);
  if (known !== undefined) return known;
  plans.set(schema, null); // a recursive schema ends here
  const inner = unwrap(schema);
  let plan: Plan | null = null;
  if (inner instanceof z.ZodObject) {
    const shape = inner.shape as Record<string, z.ZodType>;
    const keys = Object.keys(shape);
    plan = {
      kind: 'object',
      keys,
      declared: new Set(keys),
      children: new Map(keys.map((key) => [key, planOf(shape[key]!)])),
    };
  } else if (inner instanceof z.ZodArray) {
    plan = { kind: 'array', element: planOf(inner.element as z.ZodType) };
  }
  plans.set(schema, plan);
  return plan;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let depth = 0; depth < 8; depth++) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else return current;
  }
  return current;
}
