/** One field that differs between two JSON values: its path, and its value on each side. */
export interface FieldChange {
  /** `a.b[2].c`; empty for the value as a whole. `undefined` on a side means absent there. */
  path: string;
  old: unknown;
  new: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const child = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;

/**
 * The leaves where two JSON values differ, in the order of the old value's fields then the new
 * one's. Objects are compared field by field and arrays index by index (an inserted item shows
 * as every later index changed: artifacts are short, and a positional diff is predictable). A
 * field whose type changed is reported whole at its path rather than descended into.
 */
export function fieldChanges(old: unknown, next: unknown, path = ''): FieldChange[] {
  if (Array.isArray(old) && Array.isArray(next)) {
    const changes: FieldChange[] = [];
    for (let index = 0; index < Math.max(old.length, next.length); index++)
      changes.push(...fieldChanges(old[index], next[index], child(path, index)));
    return changes;
  }
  if (isObject(old) && isObject(next)) {
    const keys = new Set([...Object.keys(old), ...Object.keys(next)]);
    return [...keys].flatMap((key) => fieldChanges(old[key], next[key], child(path, key)));
  }
  return Object.is(old, next) ? [] : [{ path, old, new: next }];
}
