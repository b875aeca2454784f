import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../clock';
import type { SessionExport } from '../export/schema';
import { createMemoryStorage, createOrchestrator, demoProvider, type LlmProvider } from '../index';
import { fixedClock, sequentialIds } from '../testing/clock-and-ids';
import { uaipWorkflow } from '../uaip/workflow';
import { exported } from './fixtures.test-support';

/** The example answers of a whole U-AIP session (examples/embed/answers.txt), by topic id. */
export function exampleAnswers(): Map<string, string> {
  const file = join(import.meta.dirname, '../../../../examples/embed/answers.txt');
  return new Map(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line) => /^([\w:+-]+):\s*(.+)$/.exec(line.trim()))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => [match[1]!, match[2]!]),
  );
}

/** A first answer the demo scorer follows up (short, hedged, no figures). */
export const VAGUE = 'Not sure yet, maybe later.';

/** Options of {@link recordUaip}. */
export interface RecordUaipOptions {
  answers?: Map<string, string>;
  /** Topics whose first answer is {@link VAGUE}, so the record has a follow-up there. */
  vague?: string[];
  idea?: string;
  llm?: LlmProvider;
  clock?: Clock;
  /** Stop after this many answers, leaving the session under way. */
  stopAfter?: number;
}

/**
 * Records a whole U-AIP session on the demo provider (or `llm`) from the example answers,
 * and exports it with the orchestrator (read back as from a file). Gap questions get their `gap:<stage>` answer.
 */
export async function recordUaip(options: RecordUaipOptions = {}): Promise<SessionExport> {
  const answers = options.answers ?? exampleAnswers();
  const clock = options.clock ?? fixedClock('2026-03-01T09:00:00Z');
  const orchestrator = createOrchestrator({
    storage: createMemoryStorage(),
    llm: options.llm ?? demoProvider({ now: () => clock.now() }),
    workflows: [uaipWorkflow],
    clock,
    generateId: sequentialIds(),
  });
  const user = { userId: 'recorder' };
  const vague = new Set(options.vague);
  let session = await orchestrator.start(user, { idea: options.idea ?? answers.get('idea')! });
  let left = options.stopAfter ?? Number.POSITIVE_INFINITY;
  while (session.pendingQuestion && left-- > 0) {
    const question = session.pendingQuestion;
    const key = question.topicId ?? `gap:${question.stageId}`;
    const first = question.kind === 'question' && vague.delete(key);
    const answer = first ? VAGUE : (answers.get(key) ?? 'Nothing to add.');
    session = (await orchestrator.answer(user, session.id, { questionId: question.id, answer }))
      .session;
  }
  return exported(orchestrator, user, session.id);
}
