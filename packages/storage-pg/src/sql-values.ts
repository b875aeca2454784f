// Conversions at the boundary between records (camelCase, ISO strings, numbers) and rows
// (snake_case, timestamptz, int8). pg returns int8 and numeric as strings and timestamps as
// Dates; PGlite returns small int8 as numbers; both go through these.

/** A timestamp as the `toISOString()` form the records use. */
export function iso(value: unknown): string {
  return (value instanceof Date ? value : new Date(String(value))).toISOString();
}

export function isoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : iso(value);
}

/** An int8, numeric or float column as a JS number. */
export function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}

/**
 * A value for a `$n::jsonb` parameter. Serialised here because pg would turn a JS array into
 * a PostgreSQL array literal; null stays SQL null.
 */
export function jsonParam(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** `a, b, c` for an insert's column list, `r.a, r.b, r.c` for its select list. */
export function columnList(columns: readonly string[], alias?: string): string {
  return columns.map((column) => (alias ? `${alias}.${column}` : column)).join(', ');
}
