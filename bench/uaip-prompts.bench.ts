import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createMemoryStorage,
  createOrchestrator,
  demoProvider,
  type LlmProvider,
  type LlmRequest,
} from '@uaip/core';
import { uaipWorkflow } from '@uaip/core/uaip';
import type { BenchReport } from './harness';

// Prompt size of a full U-AIP session: every request's prompt, and the share that is the
// system prompt (the prefix marked for Anthropic's prompt cache). Tokens are estimated at four
// characters a token (no tokenizer offline); the answers are examples/embed/answers.txt.

const estimate = (text: string) => Math.ceil(text.length / 4);

export default async function run(): Promise<BenchReport> {
  const answers = new Map(
    readFileSync(join(import.meta.dirname, '../examples/embed/answers.txt'), 'utf8')
      .split('\n')
      .map((line) => /^([\w:+-]+):\s*(.+)$/.exec(line.trim()))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => [match[1]!, match[2]!]),
  );
  const requests: LlmRequest[] = [];
  const demo = demoProvider();
  const recording: LlmProvider = {
    id: 'demo',
    generate: (request, options) => {
      requests.push(request);
      return demo.generate(request, options);
    },
  };
  const orchestrator = createOrchestrator({
    storage: createMemoryStorage(),
    llm: recording,
    workflows: [uaipWorkflow],
  });
  const user = { userId: 'bench' };
  let session = await orchestrator.start(user, { idea: answers.get('idea')! });
  while (session.pendingQuestion) {
    const question = session.pendingQuestion;
    const key = question.kind === 'gap' ? `gap:${question.stageId}` : (question.topicId ?? '');
    const answer = answers.get(key) ?? 'Nothing to add.';
    session = (await orchestrator.answer(user, session.id, { questionId: question.id, answer }))
      .session;
  }

  let system = 0;
  let total = 0;
  const byPurpose = new Map<string, { calls: number; tokens: number; system: number }>();
  for (const request of requests) {
    const systemTokens = estimate(request.system);
    const schemaTokens = request.output ? estimate(JSON.stringify(request.output.schema)) : 0;
    const tokens =
      systemTokens +
      schemaTokens +
      request.messages.reduce((sum, message) => sum + estimate(message.content), 0);
    system += systemTokens;
    total += tokens;
    const purpose = request.output?.name ?? 'text';
    const entry = byPurpose.get(purpose) ?? { calls: 0, tokens: 0, system: 0 };
    byPurpose.set(purpose, {
      calls: entry.calls + 1,
      tokens: entry.tokens + tokens,
      system: entry.system + systemTokens,
    });
  }
  const largestSystem = Math.max(...requests.map((request) => estimate(request.system)));
  return {
    backend: 'memory (demo provider)',
    measurements: [
      { name: 'LLM calls in a full session', value: requests.length, unit: 'calls' },
      { name: 'prompt tokens in a full session (estimated)', value: total, unit: 'tokens' },
      { name: 'system-prompt tokens (the cacheable prefix)', value: system, unit: 'tokens' },
      {
        name: 'share of the prompt sent as cacheable prefix',
        value: system / total,
        unit: 'ratio',
      },
      { name: 'largest system prompt', value: largestSystem, unit: 'tokens' },
      ...[...byPurpose].map(([purpose, entry]) => ({
        name: `${purpose}: tokens per call (${entry.calls} calls, ${Math.round((entry.system / entry.tokens) * 100)}% system)`,
        value: entry.tokens / entry.calls,
        unit: 'tokens',
      })),
    ],
    notes: [
      'Output schemas are counted as prompt (structured outputs send them with every request).',
      'Anthropic caches a prefix only above a minimum length (1,024 tokens or more, depending on the model); the U-AIP system prompts are shorter, so no cache_control marker is sent: it would save nothing until they grow.',
    ],
  };
}
