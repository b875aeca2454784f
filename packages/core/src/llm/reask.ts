import { LlmCallError } from './errors';
import type { LlmAttempt, LlmRequest, LlmResult } from './types';

/**
 * Calls once; when the reply fails `validate`, asks again once with the problems, showing
 * the model its own reply. A second invalid reply throws `LlmCallError`. Attempts whose
 * output was unusable are marked `invalid_output` in place, so every ledger that holds them
 * (the chain's, the caller's) records them as such.
 */
export async function withReask(
  call: (request: LlmRequest) => Promise<LlmResult>,
  request: LlmRequest,
  validate: (text: string) => string | null,
): Promise<LlmResult> {
  const first = await call(request);
  const problems = validate(first.text);
  if (problems === null) return first;
  markInvalid(first.attempts);
  const second = await call({
    ...request,
    messages: [
      ...request.messages,
      { role: 'assistant', content: first.text },
      {
        role: 'user',
        content: `Your reply was not valid: ${problems}. Reply again with only a JSON object that matches the schema.`,
      },
    ],
  });
  const secondProblems = validate(second.text);
  if (secondProblems === null)
    return { ...second, attempts: [...first.attempts, ...second.attempts] };
  markInvalid(second.attempts);
  throw new LlmCallError(`The reply was invalid twice: ${secondProblems}`, [
    ...first.attempts,
    ...second.attempts,
  ]);
}

function markInvalid(attempts: LlmAttempt[]) {
  const last = attempts.at(-1);
  if (last && last.outcome === 'ok') {
    last.outcome = 'invalid_output';
    last.errorKind = 'invalid_output';
  }
}
