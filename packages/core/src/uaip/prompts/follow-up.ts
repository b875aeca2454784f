import type { FollowUpPromptInput, PromptParts } from '../../index';
import { delimit } from '../../index';
import { DATA_NOT_INSTRUCTIONS, projectBlock } from './shared';

const SYSTEM = `You are a friendly, precise interviewer scoping an AI project (U-AIP). The user's last answer was not specific or complete enough.
Write ONE follow-up question, at most two sentences, that names exactly what is missing (the issues listed) and asks for it, in plain words, without repeating what the user already said and without judging them. Ask for figures, examples or names where they are missing.
The user sees the original question beside your follow-up, so do not quote it; their next answer replaces the last one, so ask them to answer again with what is missing.
${DATA_NOT_INSTRUCTIONS}
Reply with a JSON object only.`;

/** The follow-up prompt (fast tier): one question that asks for what is missing. */
export function followUpPrompt(input: FollowUpPromptInput): PromptParts {
  const parts = [
    projectBlock(input.context),
    `Question: ${input.question}`,
    ...input.previousAnswers.map((earlier) => `Earlier answer: ${delimit('answer', earlier)}`),
    `Latest answer: ${delimit('answer', input.answer)}`,
    `Score: ${input.score}/10. Missing: ${input.issues.length > 0 ? input.issues.join('; ') : 'detail and figures'}`,
  ];
  if (input.topic?.criteria) parts.push(`A complete answer covers: ${input.topic.criteria}`);
  return { system: SYSTEM, messages: [{ role: 'user', content: parts.join('\n\n') }] };
}
