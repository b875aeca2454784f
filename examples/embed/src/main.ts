import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createMemoryStorage, createOrchestrator } from '@uaip/core';
import { offlineJudge } from './offline-judge';
import { ideaCheck } from './workflow';

// Usage: npm start -w @uaip/example-embed [answers.txt]
// Answers come one per line from the file, or from the terminal.
const input = process.argv[2] ? createReadStream(process.argv[2]) : process.stdin;
const lines = createInterface({ input, terminal: false })[Symbol.asyncIterator]();
const user = { userId: 'local-user' };
const orchestrator = createOrchestrator({
  storage: createMemoryStorage(),
  llm: offlineJudge(),
  workflows: [ideaCheck],
});

let session = await orchestrator.start(user, {
  workflowId: 'idea-check',
  idea: 'Help small shops forecast demand',
});
while (session.pendingQuestion) {
  const question = session.pendingQuestion;
  console.log(
    `\n[${question.stageId} · ${question.kind} · answer ${question.attempt}/${question.maxAttempts}] ${question.text}`,
  );
  const next = await lines.next();
  if (next.done) {
    console.log('\nNo more answers; the session waits at this question.');
    process.exit(1);
  }
  console.log(`> ${next.value}`);
  const { session: updated, outcome } = await orchestrator.answer(user, session.id, {
    questionId: question.id,
    answer: next.value,
  });
  console.log(
    `  score ${outcome.quality.score}/10 → ${outcome.kind}${outcome.escalated ? ' (escalated)' : ''}`,
  );
  session = updated;
}

console.log('\nCompleted. Artifacts:');
for (const stage of session.stages) {
  console.log(
    `- ${stage.title} (gate ${stage.gate?.passed ? 'passed' : `failed: ${stage.gate?.missing.join(', ')}`})`,
  );
  console.log(`  ${JSON.stringify(stage.artifact)}`);
}
