import type { z } from 'zod';
import { attemptsOf, LlmCallError } from './errors';
import { jsonSchemaOf } from './output-schema';
import { withReask } from './reask';
import type { GenerateOptions, LlmAttempt, LlmProvider, LlmRequest } from './types';

/** A validated object and the attempts it took. */
export interface GeneratedObject<T> {
  value: T;
  provider: string;
  model: string;
  attempts: LlmAttempt[];
}

/** The request of {@link generateObject}: the output schema comes from the zod schema. */
export type ObjectRequest = Omit<LlmRequest, 'output' | 'validate'> & { name?: string };

/**
 * Asks for a JSON object that matches a zod schema: the request carries its full JSON Schema
 * (`z.toJSONSchema`), which each provider adapts to what its API accepts (Claude and Ollama:
 * {@link structuredOutputSchema}), and the reply is validated by the zod schema itself, so the
 * constraints an API cannot enforce are still checked. An invalid reply is
 * re-asked once with the validation errors; on a fallback chain, the next provider is tried
 * after that; in the end it throws `LlmCallError` (never a placeholder value).
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
  const validate = (text: string) => {
    const parsed = parseReply(schema, text);
    return parsed.ok ? null : parsed.problems;
  };
  const attempts: LlmAttempt[] = [];
  const call = async (attemptRequest: LlmRequest) => {
    try {
      const result = await provider.generate(attemptRequest, options);
      attempts.push(...result.attempts);
      return result;
    } catch (error) {
      attempts.push(...attemptsOf(error));
      throw error;
    }
  };
  try {
    // Not `{ ...rest, output, validate }`: on Node 20 a spread followed by more properties
    // costs about a microsecond. `rest` is this call's own copy, so it can be completed.
    const full: LlmRequest = Object.assign(rest, {
      output: { name, schema: jsonSchemaOf(schema) },
      validate,
    });
    const result = await withReask(call, full, validate);
    const parsed = parseReply(schema, result.text);
    if (!parsed.ok) throw new LlmCallError(parsed.problems, attempts);
    return { value: parsed.value, provider: result.provider, model: result.model, attempts };
  } catch (error) {
    if (!(error instanceof LlmCallError)) throw error;
    // Every attempt of this call, whichever step failed.
    throw new LlmCallError(error.message, attempts, {
      cause: error,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    });
  }
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
