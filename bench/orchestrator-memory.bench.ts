import { answerScoreSchema, createMemoryStorage, createOrchestrator } from '@uaip/core';
import { type BenchReport, median } from './harness';
import { manyTopicWorkflow, scoringProvider } from './support';

// Orchestrator overhead per turn, in memory, with a provider that answers at once: what the
// engine itself costs (claim, score parsing and validation, transition, commit, events).
// Goal (quality-bars.md): median <= 0.1 ms at turns 1-10 and at turns 91-100.

const TOPICS = 110;
const SESSIONS = 300;
const WARMUP_SESSIONS = 50;

const workflow = manyTopicWorkflow(TOPICS);
const instant = scoringProvider(0);

async function runSessions(count: number, record: (turn: number, ms: number) => void) {
  const orchestrator = createOrchestrator({
    storage: createMemoryStorage(),
    llm: instant,
    workflows: [workflow],
  });
  const user = { userId: 'bench-user' };
  for (let index = 0; index < count; index++) {
    let session = await orchestrator.start(user, {
      workflowId: 'bench',
      idea: 'Benchmark the engine',
    });
    for (let turn = 1; turn <= 100; turn++) {
      const input = {
        questionId: session.pendingQuestion!.id,
        answer: `Answer number ${turn} with some detail.`,
      };
      const started = performance.now();
      session = (await orchestrator.answer(user, session.id, input)).session;
      record(turn, performance.now() - started);
    }
  }
}

/** The floor any engine pays per turn: parse and validate the reply, append, update state. */
async function floorTurns(count: number): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < count; index++) {
    const transcript: unknown[] = [];
    let state = { version: 1, topic: 0 };
    for (let turn = 1; turn <= 100; turn++) {
      const started = performance.now();
      const reply = await instant.generate({ tier: 'fast', system: '', messages: [] });
      const score = answerScoreSchema.parse(JSON.parse(reply.text));
      transcript.push({ turn, answer: `Answer number ${turn}`, score: score.score });
      state = { version: state.version + 1, topic: state.topic + 1 };
      times.push(performance.now() - started);
    }
  }
  return times;
}

export default async function run(): Promise<BenchReport> {
  await runSessions(WARMUP_SESSIONS, () => {});
  const early: number[] = [];
  const late: number[] = [];
  await runSessions(SESSIONS, (turn, ms) => {
    if (turn <= 10) early.push(ms);
    else if (turn > 90) late.push(ms);
  });
  const floor = median(await floorTurns(SESSIONS));
  const earlyMedian = median(early);
  const lateMedian = median(late);
  return {
    backend: 'memory',
    measurements: [
      {
        name: 'per turn, turns 1-10 (median)',
        value: earlyMedian,
        unit: 'ms',
        goal: { op: '<=', value: 0.1 },
      },
      {
        name: 'per turn, turns 91-100 (median)',
        value: lateMedian,
        unit: 'ms',
        goal: { op: '<=', value: 0.1 },
      },
      { name: 'turn 91-100 / turn 1-10', value: lateMedian / earlyMedian, unit: 'ratio' },
      { name: 'floor: parse + validate + append (median)', value: floor, unit: 'ms' },
      { name: 'per turn / floor, turns 91-100', value: lateMedian / floor, unit: 'ratio' },
    ],
    notes: [
      `${SESSIONS} sessions of 100 turns after ${WARMUP_SESSIONS} warm-up sessions; provider answers at once`,
    ],
  };
}
