import { z } from 'zod';
import { UaipError } from '../errors';
import { textField } from '../text-field';

/** The longest answer accepted, in characters. */
export const MAX_ANSWER_LENGTH = 10_000;

/** The body that starts a session. */
export const startSessionInput = z.object({
  workflowId: textField({ min: 1, max: 100 }).optional(),
  title: textField({ max: 200, trim: true, blank: 'The title is empty' }).optional(),
  idea: textField({ max: 2_000, trim: true, blank: 'Describe the idea' }),
});
/** What `start` accepts. */
export type StartSessionInput = z.input<typeof startSessionInput>;

/** The body of an answer. */
export const answerInput = z.object({
  questionId: textField({ min: 1, max: 200 }),
  answer: textField({
    max: MAX_ANSWER_LENGTH,
    blank: 'The answer is empty',
    tooLong: `Answers are limited to ${MAX_ANSWER_LENGTH.toLocaleString('en')} characters`,
  }),
});
/** What `answer` accepts. */
export type AnswerInput = z.input<typeof answerInput>;

/** The body of a revision: the accepted turn to revise and its new answer. */
export const reviseInput = z.object({
  turnId: textField({ min: 1, max: 200 }),
  answer: answerInput.shape.answer,
});
/** What `revise` accepts. */
export type ReviseInput = z.input<typeof reviseInput>;

/** Paging through a user's sessions. */
export const listSessionsInput = z.object({
  limit: z.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).nullish(),
});
/** What `list` accepts. */
export type ListSessionsInput = z.input<typeof listSessionsInput>;

// A UTF-16 surrogate without its partner: not Unicode text. PostgreSQL refuses it in jsonb, so
// it would otherwise surface as a 500.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The paths of the strings in `value` that are not well-formed Unicode (lone surrogates). */
function malformedText(value: unknown, path: string[] = [], found: string[] = []): string[] {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) found.push(path.join('.'));
  } else if (typeof value === 'object' && value !== null && path.length < 8) {
    for (const [key, child] of Object.entries(value)) malformedText(child, [...path, key], found);
  }
  return found;
}

/**
 * Parses with a zod schema, or throws `validation_failed` listing each problem. Every string
 * of the input must be well-formed Unicode, whatever the schema says of it.
 */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const malformed = malformedText(input);
  if (malformed.length > 0) {
    throw new UaipError('validation_failed', 'The request is not valid', {
      details: malformed.map((path) => ({
        path,
        message: 'Not valid Unicode text (a lone UTF-16 surrogate)',
      })),
    });
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new UaipError('validation_failed', 'The request is not valid', {
    details: result.error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: issue.message,
    })),
  });
}
