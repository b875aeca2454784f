import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { textField } from './text-field';

describe('textField', () => {
  const title = textField({ max: 5, trim: true, blank: 'Empty' });

  it('counts characters as people do: five emoji are five characters, not ten', () => {
    expect(title.safeParse('😀😀😀😀😀').success).toBe(true);
    expect(title.safeParse('😀😀😀😀😀😀').success).toBe(false);
    expect(title.safeParse('abcde').success).toBe(true);
    expect(title.safeParse('abcdef').success).toBe(false);
  });

  it('trims first, refuses blank text and NUL, each with its message', () => {
    expect(title.parse('  abc  ')).toBe('abc');
    expect(title.safeParse(' \n\t ').error?.issues.map((issue) => issue.message)).toEqual([
      'Empty',
    ]);
    expect(title.safeParse('a\u0000b').error?.issues.map((issue) => issue.message)).toEqual([
      'Contains a NUL character',
    ]);
    expect(textField({ max: 5, refuseNul: false }).safeParse('a\u0000b').success).toBe(true);
  });

  it('writes its limits into its JSON Schema, with a pattern that agrees with its checks', () => {
    const schema = z.toJSONSchema(title) as {
      minLength: number;
      maxLength: number;
      pattern: string;
    };
    expect(schema).toMatchObject({ type: 'string', minLength: 1, maxLength: 5 });
    const pattern = new RegExp(schema.pattern, 'u');
    for (const text of ['abc', ' a ', '', '   ', '\u00a0\u2028', 'a\u0000', '\u0000', 'é']) {
      expect(pattern.test(text), JSON.stringify(text)).toBe(title.safeParse(text).success);
    }
    expect(z.toJSONSchema(textField({ min: 2, max: 9 }))).toMatchObject({
      minLength: 2,
      maxLength: 9,
      pattern: '^[^\\u0000]*$',
    });
  });
});
