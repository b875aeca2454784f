import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sessionExportJsonSchema, sessionExportSchema } from './schema';

const PUBLISHED = new URL('../../../../docs/schemas/session-export-v1.json', import.meta.url);

describe('the session export JSON Schema', () => {
  it('is published in docs/schemas exactly as the code generates it', () => {
    // After a change to the schema: UPDATE_SCHEMAS=1 npx vitest run packages/core/src/export,
    // then `npx biome check --write docs/schemas` (the comparison is of the JSON, not the text).
    if (process.env.UPDATE_SCHEMAS === '1') {
      writeFileSync(PUBLISHED, `${JSON.stringify(sessionExportJsonSchema(), null, 2)}\n`);
    }
    expect(JSON.parse(readFileSync(PUBLISHED, 'utf8'))).toEqual(sessionExportJsonSchema());
  });

  it('names the format and version a document must carry', () => {
    const schema = sessionExportJsonSchema() as {
      properties: Record<string, { const?: unknown }>;
      required: string[];
    };
    expect(schema.properties.format?.const).toBe('uaip.session');
    expect(schema.properties.version?.const).toBe(1);
    expect(schema.required).toEqual(
      expect.arrayContaining(['format', 'version', 'session', 'turns', 'history', 'usage']),
    );
  });

  it('refuses another format or version', () => {
    const parse = (patch: object) =>
      sessionExportSchema.safeParse({ format: 'uaip.session', version: 1, ...patch }).success;
    expect(parse({ format: 'other' })).toBe(false);
    expect(parse({ version: 2 })).toBe(false);
  });
});
