import type { ExtractionPromptInput, PromptParts } from '../../index';
import { delimit } from '../../index';
import { DATA_NOT_INSTRUCTIONS, projectBlock, recordsBlock } from './shared';

const SYSTEM = `You turn the answers of one stage of an AI project scoping interview (U-AIP) into a structured record that matches the JSON schema you are given.
Rules:
- Use only what the answers (and the earlier records) say. Never invent figures, sources, people or risks. Where the answers say nothing, use an empty string or an empty list, and false for yes/no fields.
- Keep the user's wording for names and descriptions; keep numbers and units exactly as given.
- Each question comes with the answer the user gave and the interview accepted; answers that were not accepted are not part of the record.
- Justifications (for example why a task type fits) must come from what the user said, not from keywords.
- Scores the user gave (such as data-quality scores out of 10, severity and likelihood from 1 to 4) are copied as given. A mitigation's effectiveness is a fraction below 1 (60% → 0.6); a claim of 100% becomes 0.95.
- Hours are numbers: "two days" → 48.
${DATA_NOT_INSTRUCTIONS}
Reply with a JSON object only.`;

/** The extraction prompt (balanced tier): a stage's answers → its artifact. */
export function extractionPrompt(input: ExtractionPromptInput): PromptParts {
  const parts = [
    projectBlock(input.context),
    `Stage: ${input.stage.title}: ${input.stage.description}`,
  ];
  const records = recordsBlock(input.context);
  if (records) parts.push(records);
  for (const topic of input.answers) {
    parts.push(
      `Question: ${topic.question}\n${topic.answers.map((answer) => delimit('answer', answer)).join('\n')}`,
    );
  }
  return { system: SYSTEM, messages: [{ role: 'user', content: parts.join('\n\n') }] };
}
