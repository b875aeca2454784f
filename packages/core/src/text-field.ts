import { z } from 'zod';

/** What {@link textField} accepts. */
export interface TextFieldOptions {
  /** Most characters. */
  max: number;
  /** Fewest characters. @default 0 */
  min?: number;
  /** Remove surrounding whitespace first; the checks apply to what is left. @default false */
  trim?: boolean;
  /** Refuse text that is empty or only whitespace, with this message. @default accepted */
  blank?: string;
  /** Refuse NUL characters (PostgreSQL cannot store them, and no person types one). @default true */
  refuseNul?: boolean;
  /** The message past `max`. @default "At most <max> characters" */
  tooLong?: string;
}

/** Whether `text` has at most `max` characters (code points, as people count them). */
export function atMost(text: string, max: number): boolean {
  // A string never has more code points than UTF-16 units: only count when it could matter.
  return text.length <= max || [...text].length <= max;
}

// JSON Schema patterns (ECMA-262, like JavaScript's) that say what the checks below say: no NUL,
// and for text that must not be blank one character that is neither NUL nor whitespace
// (`\s` is exactly the whitespace that trim() removes).
const NO_NUL = '^[^\\u0000]*$';
const NOT_BLANK = '\\S';
const NOT_BLANK_NO_NUL = '^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$';

/**
 * A text field of a request, with its limits in characters as people count them: Unicode code
 * points, which is also what JSON Schema's `minLength` and `maxLength` count (zod's `.max()`
 * counts UTF-16 units, so 200 emoji would be 400 and the published limit would be wrong). The
 * limits and a `pattern` for the rest are written into the field's JSON Schema, so the OpenAPI
 * document says exactly what the field accepts.
 */
export function textField(options: TextFieldOptions): z.ZodString {
  const { max, min = 0, trim = false, blank, refuseNul = true } = options;
  let schema = trim ? z.string().trim() : z.string();
  if (blank !== undefined) schema = schema.refine((text) => /\S/.test(text), blank);
  if (min > 0) {
    schema = schema.refine(
      (text) => !atMost(text, min - 1),
      `At least ${min.toLocaleString('en')} character${min === 1 ? '' : 's'}`,
    );
  }
  schema = schema.refine(
    (text) => atMost(text, max),
    options.tooLong ?? `At most ${max.toLocaleString('en')} characters`,
  );
  if (refuseNul)
    schema = schema.refine((text) => !text.includes('\u0000'), 'Contains a NUL character');
  const pattern =
    blank !== undefined
      ? refuseNul
        ? NOT_BLANK_NO_NUL
        : NOT_BLANK
      : refuseNul
        ? NO_NUL
        : undefined;
  const minLength = Math.max(min, blank !== undefined ? 1 : 0);
  return schema.meta({
    ...(minLength > 0 ? { minLength } : {}),
    maxLength: max,
    ...(pattern ? { pattern } : {}),
    ...(trim
      ? { description: 'Surrounding whitespace is removed; the limits apply to what is left.' }
      : {}),
  });
}
