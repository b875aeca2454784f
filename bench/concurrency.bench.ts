import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createMemoryStorage, createOrchestrator, type Storage } from '@uaip/core';
import { createPgStorage } from '@uaip/storage-pg';
import { type BenchReport, median } from './harness';
import { manyTopicWorkflow, scoringProvider, startChild, withThrowawayDatabase } from './support';

// 1,000 sessions answering at once against an in-process LLM that takes 50 ms, the
// orchestrator in this process (the engine, not HTTP). Every session answers TURNS questions
// one after another, all sessions at the same time; the ideal is TURNS x 50 ms, what the LLM
// alone takes. Goals (quality-bars.md): total within 1.5x the ideal, no errors; memory per idle
// session <= 20 KB (measured in a child process with --expose-gc). The same scenario on
// PostgreSQL (throw-away database, default pool of 10) is reported beside it, without a goal.

const SESSIONS = 1000;
const TURNS = 3;
const LATENCY_MS = 50;
const MEMORY_REPEATS = 7;
const PG_REPEATS = 3;
const IDEAL_MS = TURNS * LATENCY_MS;
const workflow = manyTopicWorkflow(50);
const idea = 'Predict which customers will cancel next month';
const answer = 'The retention team calls the 200 customers most at risk every Monday morning.';

interface Round {
  ms: number;
  errors: number;
}

/** Starts `sessions` sessions (untimed), then times all of them answering TURNS times. */
async function round(storage: Storage, sessions = SESSIONS): Promise<Round> {
  const orchestrator = createOrchestrator({
    storage,
    llm: scoringProvider(LATENCY_MS),
    workflows: [workflow],
  });
  const started = await Promise.all(
    Array.from({ length: sessions }, (_, index) =>
      orchestrator.start({ userId: `user-${index}` }, { workflowId: 'bench', idea }),
    ),
  );
  let errors = 0;
  const begin = performance.now();
  await Promise.all(
    started.map(async (session, index) => {
      const user = { userId: `user-${index}` };
      let questionId = session.pendingQuestion!.id;
      for (let turn = 0; turn < TURNS; turn++) {
        try {
          const result = await orchestrator.answer(user, session.id, { questionId, answer });
          questionId = result.session.pendingQuestion!.id;
        } catch {
          errors++;
          return;
        }
      }
    }),
  );
  return { ms: performance.now() - begin, errors };
}

/** The floor in this process: the same waits with no engine, TURNS x 50 ms per session. */
async function floor(): Promise<number> {
  const begin = performance.now();
  await Promise.all(
    Array.from({ length: SESSIONS }, async () => {
      for (let turn = 0; turn < TURNS; turn++) await sleep(LATENCY_MS);
    }),
  );
  return performance.now() - begin;
}

async function repeat(times: number, storage: () => Promise<Storage>): Promise<Round[]> {
  // A full-size round first: a server runs warm, with its code optimised and its heap grown to
  // the load; a round from cold measures V8 getting there (about a third slower here).
  await round(await storage());
  const rounds: Round[] = [];
  for (let index = 0; index < times; index++) rounds.push(await round(await storage()));
  return rounds;
}

interface IdleMemory {
  count: number;
  bytesPerSession: number;
  recordJsonBytes: number;
}

async function idleMemory(): Promise<IdleMemory> {
  const child = await startChild<IdleMemory>(
    join(import.meta.dirname, 'idle-sessions.fixture.ts'),
    {},
    ['--expose-gc'],
  );
  await child.stop();
  return child.ready;
}

export default async function run(): Promise<BenchReport> {
  const floors: number[] = [];
  for (let index = 0; index < 3; index++) floors.push(await floor());
  const memory = await repeat(MEMORY_REPEATS, async () => createMemoryStorage());
  const pg = await withThrowawayDatabase(async (url) => {
    const storage = await createPgStorage({ connectionString: url });
    try {
      return await repeat(PG_REPEATS, async () => storage);
    } finally {
      await storage.close();
    }
  });
  const idle = await idleMemory();

  const ms = (rounds: Round[]) => median(rounds.map((r) => r.ms));
  const range = (rounds: Round[]) => rounds.map((r) => Math.round(r.ms)).join(', ');
  const errors = (rounds: Round[]) => rounds.reduce((sum, r) => sum + r.errors, 0);
  const memoryMs = ms(memory);
  return {
    backend: 'memory, postgres',
    measurements: [
      {
        name: `memory: ${SESSIONS} sessions x ${TURNS} turns (median)`,
        value: memoryMs,
        unit: 'ms',
      },
      {
        name: 'memory: total / ideal',
        value: memoryMs / IDEAL_MS,
        unit: 'ratio',
        goal: { op: '<=', value: 1.5 },
      },
      {
        name: 'memory: errors',
        value: errors(memory),
        unit: 'answers',
        goal: { op: '<=', value: 0 },
      },
      { name: 'floor: the same waits, no engine (median)', value: median(floors), unit: 'ms' },
      { name: 'memory: total / floor', value: memoryMs / median(floors), unit: 'ratio' },
      {
        name: 'memory: engine time per turn beyond the floor',
        value: (memoryMs - median(floors)) / (SESSIONS * TURNS),
        unit: 'ms',
      },
      {
        name: 'memory per idle session',
        value: idle.bytesPerSession / 1024,
        unit: 'KB',
        goal: { op: '<=', value: 20 },
      },
      { name: 'one idle session record as JSON', value: idle.recordJsonBytes / 1024, unit: 'KB' },
      {
        name: `postgres: ${SESSIONS} sessions x ${TURNS} turns (median)`,
        value: ms(pg),
        unit: 'ms',
      },
      { name: 'postgres: total / ideal', value: ms(pg) / IDEAL_MS, unit: 'ratio' },
      { name: 'postgres: errors', value: errors(pg), unit: 'answers' },
      {
        name: 'postgres: turns/s',
        value: (SESSIONS * TURNS) / (ms(pg) / 1000),
        unit: 'turns/s',
      },
    ],
    notes: [
      `${SESSIONS} sessions each answering ${TURNS} times in a row, all at once; the LLM waits ${LATENCY_MS} ms then scores 9 (accepted, one call per turn); ideal ${IDEAL_MS} ms`,
      `memory: median of ${MEMORY_REPEATS} rounds (${range(memory)} ms), each on a new storage after a full-size warm-up round; postgres: ${PG_REPEATS} rounds (${range(pg)} ms) on one throw-away database, pool of 10, fsync on`,
      `floor rounds: ${floors.map(Math.round).join(', ')} ms`,
      `idle memory: heapUsed after forced GC, ${idle.count} U-AIP sessions waiting on their first question, memory storage, child process with --expose-gc`,
    ],
  };
}
