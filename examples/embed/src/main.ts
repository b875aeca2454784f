import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createMemoryStorage, createOrchestrator, providersFromEnv, UaipError } from '@uaip/core';
import { uaipWorkflow } from '@uaip/core/uaip';

// Usage: npm start -w @uaip/example-embed -- [answers.txt] [--out dir]
// Runs a U-AIP session in the terminal and writes the charter as charter.md, charter.json and
// charter.html. Typed answers are read one per line (the first line is the idea). A file holds
// `key: answer` lines: `idea`, a topic id, `<topic id>+` for its follow-ups and
// `gap:<stage id>` for a stage's gap question. The LLM comes from the environment:
// ANTHROPIC_API_KEY, a local Ollama, or LLM_PROVIDERS=demo.
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const outDir = outIndex >= 0 ? args[outIndex + 1]! : 'charter';
const file = args.find(
  (arg, index) => !arg.startsWith('--') && (outIndex < 0 || index !== outIndex + 1),
);
const lines = createInterface({
  input: file ? createReadStream(file) : process.stdin,
  terminal: false,
})[Symbol.asyncIterator]();
const keyed = new Map<string, string>();
if (file) {
  for await (const line of lines) {
    const match = /^([\w:+-]+):\s*(.+)$/.exec(line.trim());
    if (match) keyed.set(match[1]!, match[2]!);
  }
}

/**
 * The next answer: from the file by key (with fallbacks, so a run always ends), or typed. A
 * blank typed line is no answer: it is refused and the next line read.
 */
async function nextAnswer(key: string, fallbacks: string[]): Promise<string | undefined> {
  if (!file) {
    for (;;) {
      const { value, done } = await lines.next();
      if (done) return undefined;
      if (value.trim() !== '') return value;
      console.log('  An empty answer is not an answer: please type one (Ctrl+D to stop).');
    }
  }
  for (const candidate of [key, ...fallbacks])
    if (keyed.has(candidate)) return keyed.get(candidate);
  return undefined;
}

const HOW_TO_CONFIGURE =
  'Configure a model: ANTHROPIC_API_KEY, a running Ollama (OLLAMA_HOST, OLLAMA_MODEL), or LLM_PROVIDERS=demo to try it offline.';
const { llm, providers } = providersFromEnv(process.env);
console.log(
  `LLM: ${providers.map((provider) => provider.description).join(' → ') || 'none configured'}`,
);
// Up front, before any question: a session cannot go far without a model that answers.
const probes = await Promise.all(providers.map((provider) => provider.probe(3_000)));
if (!probes.some((probe) => probe.ok)) {
  console.log('No language model can be reached, so no answer could be scored.');
  providers.forEach((provider, index) => {
    console.log(`  ${provider.id}: ${probes[index]!.detail ?? 'not reachable'}`);
  });
  console.log(HOW_TO_CONFIGURE);
  process.exit(1);
}
const orchestrator = createOrchestrator({
  storage: createMemoryStorage(),
  llm,
  workflows: [uaipWorkflow],
});
const user = { userId: 'local-user' };

const idea = await nextAnswer('idea', []);
if (idea === undefined || idea.trim() === '') {
  console.log(
    file
      ? `${file} has no "idea: …" line: describe the business idea there first.`
      : 'No idea given: describe the business idea on the first line.',
  );
  process.exit(1);
}
let session = await orchestrator.start(user, { idea });
while (session.pendingQuestion) {
  const question = session.pendingQuestion;
  console.log(
    `\n[${question.stageId} · ${question.kind} · answer ${question.attempt}/${question.maxAttempts}] ${question.text}`,
  );
  const topic = question.topicId ?? '';
  const answer =
    question.kind === 'gap'
      ? await nextAnswer(`gap:${question.stageId}`, ['gap'])
      : await nextAnswer(question.kind === 'follow_up' ? `${topic}+` : topic, [topic]);
  if (answer === undefined) {
    console.log('\nNo more answers; the session waits at this question.');
    process.exit(1);
  }
  console.log(`> ${answer}`);
  try {
    const { session: updated, outcome } = await orchestrator.answer(user, session.id, {
      questionId: question.id,
      answer,
    });
    console.log(
      `  score ${outcome.quality.score}/10 → ${outcome.kind}${outcome.escalated ? ' (escalated)' : ''}`,
    );
    session = updated;
  } catch (error) {
    if (!UaipError.isInstance(error)) throw error;
    console.log(`  ${error.code}: ${error.message}`);
    if (error.code === 'llm_unavailable') console.log(`  ${HOW_TO_CONFIGURE}`);
    process.exit(1);
  }
}

await mkdir(outDir, { recursive: true });
const charter = await orchestrator.report(user, session.id, 'json');
await writeFile(join(outDir, 'charter.json'), `${JSON.stringify(charter.body, null, 2)}\n`);
await writeFile(
  join(outDir, 'charter.md'),
  (await orchestrator.report(user, session.id, 'markdown')).body as string,
);
await writeFile(
  join(outDir, 'charter.html'),
  (await orchestrator.report(user, session.id, 'html')).body as string,
);
const decision = (charter.body as { decision: { decision: string } }).decision.decision;
console.log(
  `\nCompleted: decision ${decision}. Charter written to ${outDir}/charter.{md,json,html}`,
);
