import type { LlmRequest } from '@uaip/core';
import { scriptedProvider } from '@uaip/core/testing';

// An offline stand-in for a model, so the example runs anywhere: it scores answers by
// length and figures, and fills each artifact field with the answers it was given. Swap in
// a real provider (Claude or Ollama) for real judgement.
function reply(request: LlmRequest) {
  const text = request.messages.map((message) => message.content).join('\n');
  const answers = [...text.matchAll(/<answer>([\s\S]*?)<\/answer>/g)].map((match) =>
    unescapeAnswer(match[1]!),
  );
  if (request.output?.name === 'scoring') {
    const answer = answers.at(-1) ?? '';
    const words = answer.split(/\s+/).filter(Boolean).length;
    const score = Math.min(10, Math.floor(words / 2) + (/\d/.test(answer) ? 3 : 0));
    const issues = [
      ...(words < 8 ? ['Too short to be specific'] : []),
      ...(/\d/.test(answer) ? [] : ['No figures']),
    ];
    return { json: { score, issues, followUp: 'Could you be more specific, with a figure?' } };
  }
  // Extraction: each "Question:" block holds a topic's answers; its last answer is the best.
  const perTopic = text
    .split('\n\nQuestion: ')
    .slice(1)
    .map((block) =>
      [...block.matchAll(/<answer>([\s\S]*?)<\/answer>/g)]
        .map((match) => unescapeAnswer(match[1]!))
        .join(' — '),
    );
  const properties = Object.keys((request.output?.schema.properties as object) ?? {});
  return { json: Object.fromEntries(properties.map((key, index) => [key, perTopic[index] ?? ''])) };
}

function unescapeAnswer(text: string) {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

/** The offline judge as an `LlmProvider`. */
export const offlineJudge = () => scriptedProvider(reply, { id: 'offline-judge' });
