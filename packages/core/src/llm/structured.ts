import { z } from 'zod';
import { LlmCallError } from './errors';
import type { GenerateOptions, LlmAttempt, LlmProvider, LlmRequest } from './types';

/** A validated object and the attempts it took. */
export interface GeneratedObject<T> {
  value: T;
  provider: string;
  model: string;
  attempts: LlmAttempt[];
}

/** The request of {@link generateObject}: the output schema comes from the zod schema. */
export type ObjectRequest = Omit<LlmRequest, 'output'> & { name?: string };

/**
 * Asks for a JSON object that matches a zod schema: the JSON Schema sent to the model is
 * derived from it (`z.toJSONSchema`), and the reply is validated by it. An invalid reply is
 * re-asked once with the validation errors; a second invalid reply throws `LlmCallError`
 * (never a placeholder value).
 *
 * @example
 * ```ts
 * const { value } = await generateObject(llm, z.object({ score: z.int().min(0).max(10) }), {
 *   tier: 'fast', system: 'Score the answer.', messages: [{ role: 'user', content: text }],
 * });
 * ```
 */
export async function generateObject<T>(
  provider: LlmProvider,
  schema: z.ZodType<T>,
  request: ObjectRequest,
  options: GenerateOptions = {},
): Promise<GeneratedObject<T>> {
  const { name = 'result', ...rest } = request;
  const output = { name, schema: jsonSchemaOf(schema) };
  const attempts: LlmAttempt[] = [];
  let messages = rest.messages;
  for (let round = 1; ; round++) {
    let result: Awaited<ReturnType<LlmProvider['generate']>>;
    try {
      result = await provider.generate({ ...rest, messages, output }, options);
    } catch (error) {
      const earlier = attempts.slice();
      if (error instanceof LlmCallError)
        throw new LlmCallError(error.message, [...earlier, ...error.attempts], {
          cause: error,
          retryAfterMs: error.retryAfterMs,
        });
      throw error;
    }
    const parsed = parseReply(schema, result.text);
    if (parsed.ok) {
      attempts.push(...result.attempts);
      return { value: parsed.value, provider: result.provider, model: result.model, attempts };
    }
    // The attempt was paid for but its output is unusable: record it as such.
    attempts.push(...markLastInvalid(result.attempts));
    if (round === 2) {
      throw new LlmCallError(
        `The model's reply did not match the schema twice: ${parsed.problems}`,
        attempts,
      );
    }
    messages = [
      ...rest.messages,
      { role: 'assistant', content: result.text },
      {
        role: 'user',
        content: `Your reply was not valid: ${parsed.problems}. Reply again with only a JSON object that matches the schema.`,
      },
    ];
  }
}

// Converting a schema costs more than the rest of a turn: do it once per schema.
const jsonSchemas = new WeakMap<z.ZodType, Record<string, unknown>>();

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  let converted = jsonSchemas.get(schema);
  if (!converted) {
    converted = z.toJSONSchema(schema, { io: 'output' }) as Record<string, unknown>;
    jsonSchemas.set(schema, converted);
  }
  return converted;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string };

function parseReply<T>(schema: z.ZodType<T>, text: string): Parsed<T> {
  let json: unknown;
  try {
    json = JSON.parse(stripFence(text));
  } catch {
    return { ok: false, problems: 'the reply is not JSON' };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues
    .slice(0, 10)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  return { ok: false, problems };
}

// Some models wrap JSON in a Markdown fence even when asked not to.
function stripFence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(text);
  return fenced ? fenced[1]! : text;
}

function markLastInvalid(attempts: LlmAttempt[]): LlmAttempt[] {
  return attempts.map((attempt, index) =>
    index === attempts.length - 1 && attempt.outcome === 'ok'
      ? { ...attempt, outcome: 'invalid_output', errorKind: 'invalid_output' }
      : attempt,
  );
}
