import { createMemoryStorage, createOrchestrator } from '@uaip/core';
import { uaipWorkflow } from '@uaip/core/uaip';
import { scoringProvider } from './support';

// The memory side of concurrency.bench.ts, run with --expose-gc in a process of its own: heap
// per idle session (started, waiting on its first question) on the memory storage. Prints one
// JSON line: bytes per session, and the size of one session record as JSON for comparison.

const COUNT = Number(process.env.BENCH_IDLE_SESSIONS ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

function settledHeap(): number {
  for (let index = 0; index < 3; index++) gc!();
  return process.memoryUsage().heapUsed;
}

const storage = createMemoryStorage();
const orchestrator = createOrchestrator({
  storage,
  llm: scoringProvider(0),
  workflows: [uaipWorkflow],
});
const idea = 'Predict which customers will cancel next month, so the retention team can call them';
// One session first, so code paths and lazy caches are warm before the baseline.
const first = await orchestrator.start({ userId: 'warm' }, { idea });
const before = settledHeap();
for (let index = 0; index < COUNT; index++) {
  await orchestrator.start({ userId: `user-${index}` }, { idea });
}
const after = settledHeap();
const record = await storage.getSession('warm', first.id);
process.stdout.write(
  `${JSON.stringify({
    count: COUNT,
    bytesPerSession: (after - before) / COUNT,
    recordJsonBytes: Buffer.byteLength(JSON.stringify(record)),
    // Keeps the storage alive until after the measurement.
    sessions: (await storage.listSessions('user-0', { limit: 1, cursor: null })).items.length,
  })}\n`,
);
