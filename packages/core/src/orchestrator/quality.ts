import { z } from 'zod';

/** The quality loop's settings. */
export interface QualityOptions {
  /** The lowest score that is accepted. @default 7 */
  threshold?: number;
  /** Answers allowed per topic; the last is accepted whatever its score. @default 3 */
  maxAttempts?: number;
}

/** {@link QualityOptions} with every default applied. */
export type QualitySettings = Required<QualityOptions>;

/** Applies the defaults and checks the ranges. */
export function qualitySettings(options: QualityOptions = {}): QualitySettings {
  const settings = { threshold: options.threshold ?? 7, maxAttempts: options.maxAttempts ?? 3 };
  if (!(settings.threshold >= 0 && settings.threshold <= 10)) {
    throw new RangeError('quality.threshold must be between 0 and 10');
  }
  if (!Number.isInteger(settings.maxAttempts) || settings.maxAttempts < 1) {
    throw new RangeError('quality.maxAttempts must be a whole number of at least 1');
  }
  return settings;
}

/** What the scorer returns for one answer (structured output). */
export const answerScoreSchema = z.object({
  score: z
    .number()
    .int()
    .min(0)
    .max(10)
    .describe('0 (no answer) to 10 (specific, measurable, complete)'),
  issues: z
    .array(z.string())
    .max(10)
    .describe('What keeps the score down; empty when nothing does'),
  followUp: z.string().describe('One question asking for exactly what is missing'),
});

/** The scorer's verdict on one answer. */
export type AnswerScore = z.infer<typeof answerScoreSchema>;

/** What a workflow's follow-up prompt returns. */
export const followUpSchema = z.object({
  question: z
    .string()
    .min(1)
    .describe('One question that asks for exactly what the answer is missing'),
});

/** What to do with a scored answer. */
export type QualityDecision = { kind: 'accept'; escalated: boolean } | { kind: 'follow_up' };

/**
 * The quality rule: a score at or above the threshold is accepted; below it, a follow-up is
 * asked, until the last allowed answer, which is accepted and flagged `escalated` only when
 * it still scored below the threshold.
 */
export function decideQuality(
  score: number,
  attempt: number,
  settings: QualitySettings,
): QualityDecision {
  if (score >= settings.threshold) return { kind: 'accept', escalated: false };
  if (attempt >= settings.maxAttempts) return { kind: 'accept', escalated: true };
  return { kind: 'follow_up' };
}
