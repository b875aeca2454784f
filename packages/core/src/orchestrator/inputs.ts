import { z } from 'zod';
import { UaipError } from '../errors';

/** The longest answer accepted, in characters. */
export const MAX_ANSWER_LENGTH = 10_000;

/** Whether `text` has at most `max` characters (code points, as people count them). */
const atMost = (text: string, max: number) =>
  // A string never has more code points than UTF-16 units: only count when it could matter.
  text.length <= max || [...text].length <= max;
// PostgreSQL cannot store NUL in text, and no person types one: refuse it everywhere.
const noNul = (text: string) => !text.includes('\u0000');

/** The body that starts a session. */
export const startSessionInput = z.object({
  workflowId: z.string().min(1).max(100).optional(),
  title: z.string().trim().min(1).max(200).refine(noNul, 'Contains a NUL character').optional(),
  idea: z
    .string()
    .trim()
    .min(1, 'Describe the idea')
    .refine((idea) => atMost(idea, 2_000), 'At most 2,000 characters')
    .refine(noNul, 'Contains a NUL character'),
});
/** What `start` accepts. */
export type StartSessionInput = z.input<typeof startSessionInput>;

/** The body of an answer. */
export const answerInput = z.object({
  questionId: z.string().min(1).max(200),
  answer: z
    .string()
    .refine((answer) => answer.trim().length > 0, 'The answer is empty')
    .refine(
      (answer) => atMost(answer, MAX_ANSWER_LENGTH),
      `Answers are limited to ${MAX_ANSWER_LENGTH.toLocaleString('en')} characters`,
    )
    .refine(noNul, 'Contains a NUL character'),
});
/** What `answer` accepts. */
export type AnswerInput = z.input<typeof answerInput>;

/** Paging through a user's sessions. */
export const listSessionsInput = z.object({
  limit: z.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).nullish(),
});
/** What `list` accepts. */
export type ListSessionsInput = z.input<typeof listSessionsInput>;

/** Parses with a zod schema, or throws `validation_failed` listing each problem. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new UaipError('validation_failed', 'The request is not valid', {
    details: result.error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: issue.message,
    })),
  });
}
