import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { generateObject, LlmCallError } from '../index';
import { scriptedProvider } from '../testing/index';

const schema = z.object({ score: z.number().int().min(0).max(10), label: z.enum(['good', 'bad']) });
const request = {
  tier: 'fast' as const,
  system: 'Rate it.',
  messages: [{ role: 'user' as const, content: 'x' }],
};

describe('generateObject', () => {
  it('sends the JSON schema derived from zod and returns the validated object', async () => {
    const llm = scriptedProvider([{ json: { score: 8, label: 'good' } }]);
    const result = await generateObject(llm, schema, { ...request, name: 'rating' });
    expect(result.value).toEqual({ score: 8, label: 'good' });
    expect(result.attempts).toHaveLength(1);
    expect(llm.requests[0]!.output).toMatchObject({
      name: 'rating',
      schema: {
        type: 'object',
        properties: { label: { enum: ['good', 'bad'] } },
        required: ['score', 'label'],
      },
    });
  });

  it('accepts JSON wrapped in a Markdown fence', async () => {
    const llm = scriptedProvider([{ text: '```json\n{"score": 3, "label": "bad"}\n```' }]);
    expect((await generateObject(llm, schema, request)).value).toEqual({ score: 3, label: 'bad' });
  });

  it('re-asks once with the validation errors and keeps both attempts', async () => {
    const llm = scriptedProvider([
      { json: { score: 12, label: 'meh' } },
      { json: { score: 10, label: 'good' } },
    ]);
    const result = await generateObject(llm, schema, request);
    expect(result.value).toEqual({ score: 10, label: 'good' });
    expect(result.attempts.map((attempt) => attempt.outcome)).toEqual(['invalid_output', 'ok']);
    const reAsk = llm.requests[1]!.messages.at(-1)!.content;
    expect(reAsk).toContain('score:');
    expect(reAsk).toContain('label:');
  });

  it('throws LlmCallError with every attempt after a second invalid reply', async () => {
    const llm = scriptedProvider([{ text: 'Sure! Here you go' }, { json: { score: 5 } }]);
    const error = await generateObject(llm, schema, request).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LlmCallError);
    expect((error as LlmCallError).attempts.map((attempt) => attempt.outcome)).toEqual([
      'invalid_output',
      'invalid_output',
    ]);
    expect(llm.requests).toHaveLength(2);
  });

  it("passes the caller's abort signal to the provider", async () => {
    const llm = scriptedProvider([{ json: { score: 1, label: 'bad' } }]);
    const controller = new AbortController();
    controller.abort();
    await expect(
      generateObject(llm, schema, request, { signal: controller.signal }),
    ).rejects.toThrow();
    expect(llm.requests).toHaveLength(0);
  });
});
