import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionRecord, Storage, TurnCommit } from '@uaip/core';
import {
  createEmbeddedStorage,
  createPgStorage,
  pgDatabase,
  pgliteDatabase,
} from '@uaip/storage-pg';
import { type BenchReport, type Measurement, median } from './harness';
import { withThrowawayDatabase } from './support';

// Storage cost per turn on the local PostgreSQL (fsync and synchronous_commit at their
// defaults) and on PGlite in a folder, the LLM excluded: what a turn sends, the read and claim
// in one statement (claimSession, whose claim does not wait for the WAL flush) and the commit.
// Beside it, a hand-written floor doing one SELECT and one durable one-row UPDATE per turn.
// Goals (quality-bars.md): median <= 1.5 ms at turns 1-10 and at turns 91-100 (flat), and
// >= 1,500 turns/s with 50 sessions answering at once. A throw-away database per run.

const TURNS = 100;
const SESSIONS = 40;
const WARMUP_SESSIONS = 5;
const CONCURRENT_SESSIONS = 50;
const CONCURRENT_TURNS = 60;
// The machine is shared: throughput is the median of a few rounds, not one.
const CONCURRENT_ROUNDS = 3;
const PGLITE_SESSIONS = 10;
const BASELINE_ROUNDS = 2000;

/** A session waiting on its first question, with the five stages of a U-AIP session. */
function newSession(ownerId: string): SessionRecord {
  const now = new Date().toISOString();
  const stages = ['problem', 'data', 'model', 'ethics', 'deployment'];
  return {
    id: randomUUID(),
    ownerId,
    workflowId: 'uaip',
    workflowVersion: '1.0.0',
    promptVersion: 'prompts-1',
    quality: { threshold: 7, maxAttempts: 3 },
    title: 'Churn prediction',
    idea: 'Predict which customers will cancel next month',
    status: 'active',
    currentStageId: 'problem',
    stages: stages.map((stageId, index) => ({
      stageId,
      status: index === 0 ? 'active' : 'pending',
      artifact: null,
      gate: null,
      gapAsked: false,
      completedAt: null,
    })),
    pending: question(1),
    result: null,
    usage: {
      calls: 0,
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd: 0,
      unpricedCalls: 0,
    },
    version: 0,
    lease: null,
    revision: null,
    createdAt: now,
    updatedAt: now,
  };
}

function question(turn: number): NonNullable<SessionRecord['pending']> {
  return {
    id: randomUUID(),
    stageId: 'problem',
    topicId: `topic-${turn}`,
    kind: 'question',
    text: `Question ${turn}: who uses the prediction, and what do they do with it?`,
    attempt: 1,
    maxAttempts: 3,
    lastScore: null,
    issues: [],
    askedAt: new Date().toISOString(),
  };
}

/** What a scored answer commits: the turn, one scoring call, the next question. */
function commitFor(record: SessionRecord, leaseId: string, turn: number): TurnCommit {
  const now = new Date().toISOString();
  const pending = record.pending!;
  return {
    expectedVersion: record.version,
    leaseId,
    session: {
      status: 'active',
      currentStageId: 'problem',
      pending: question(turn + 1),
      result: null,
      revision: null,
      updatedAt: now,
    },
    stages: [],
    turn: {
      id: randomUUID(),
      stageId: pending.stageId,
      topicId: pending.topicId,
      questionId: pending.id,
      kind: pending.kind,
      question: pending.text,
      answer: `Answer number ${turn}: the retention team calls the customers most at risk.`,
      revisesTurnId: null,
      attempt: 1,
      score: 8,
      issues: [],
      escalated: false,
      accepted: true,
      provider: 'instant',
      model: 'instant',
      promptVersion: 'prompts-1',
      createdAt: now,
    },
    calls: [
      {
        id: randomUUID(),
        sessionId: record.id,
        stageId: pending.stageId,
        purpose: 'scoring',
        provider: 'instant',
        model: 'instant',
        tier: 'fast',
        inputTokens: 900,
        outputTokens: 60,
        cacheReadTokens: 700,
        cacheWriteTokens: 0,
        costUsd: 0.0001,
        latencyMs: 0,
        outcome: 'ok',
        errorKind: null,
        promptVersion: 'prompts-1',
        createdAt: now,
      },
    ],
  };
}

/** Answers `turns` questions of a new session, reporting each read-and-claim + commit's duration. */
async function runSession(
  storage: Storage,
  turns: number,
  record: (turn: number, ms: number) => void,
  path: TurnPath = 'claimSession',
): Promise<void> {
  let session = newSession(randomUUID());
  await storage.createSession(session);
  for (let turn = 1; turn <= turns; turn++) {
    const leaseId = randomUUID();
    const started = performance.now();
    const now = Date.now();
    const claim = {
      questionId: session.pending!.id,
      leaseId,
      expiresAt: new Date(now + 120_000).toISOString(),
      now: new Date(now).toISOString(),
    };
    if (path === 'claimSession') {
      const claimed = await storage.claimSession!(session.ownerId, session.id, claim);
      if (claimed.result !== 'claimed') throw new Error(`claim: ${claimed.result}`);
    } else {
      // How turns went before claimSession: read, then claim at the version read.
      const read = await storage.getSession(session.ownerId, session.id);
      const claimed = await storage.claimQuestion(session.ownerId, session.id, {
        ...claim,
        version: read!.version,
      });
      if (claimed !== 'claimed') throw new Error(`claim: ${claimed}`);
    }
    const commit = commitFor(session, leaseId, turn);
    if (!(await storage.commitTurn(session.ownerId, session.id, commit))) {
      throw new Error('commit refused');
    }
    record(turn, performance.now() - started);
    session = { ...session, ...commit.session, version: session.version + 1 };
  }
}

/** claimSession + commit (two statements), or getSession + claimQuestion + commit (three). */
type TurnPath = 'claimSession' | 'read then claim';

interface TurnFigures {
  early: number;
  late: number;
  perSecond: number;
  /** The same, the way turns went before claimSession. */
  perSecondBefore: number;
}

async function measureTurns(storage: Storage, sessions: number): Promise<TurnFigures> {
  for (let index = 0; index < WARMUP_SESSIONS; index++) await runSession(storage, TURNS, () => {});
  const early: number[] = [];
  const late: number[] = [];
  for (let index = 0; index < sessions; index++) {
    await runSession(storage, TURNS, (turn, ms) => {
      if (turn <= 10) early.push(ms);
      else if (turn > 90) late.push(ms);
    });
  }
  // 50 sessions answering at once, each its own loop of turns.
  const rates = [await concurrentRate(storage, 'claimSession')];
  return {
    early: median(early),
    late: median(late),
    perSecond: median(rates),
    perSecondBefore: await concurrentRate(storage, 'read then claim'),
  };
}

async function concurrentRate(storage: Storage, path: TurnPath): Promise<number> {
  const rates: number[] = [];
  for (let round = 0; round < CONCURRENT_ROUNDS; round++) {
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENT_SESSIONS }, () =>
        runSession(storage, CONCURRENT_TURNS, () => {}, path),
      ),
    );
    rates.push((CONCURRENT_SESSIONS * CONCURRENT_TURNS) / ((performance.now() - started) / 1000));
  }
  return median(rates);
}

/** The floor on this server in this run: a bare round trip and a one-row durable update. */
async function measureBaseline(url: string) {
  // The storage's default pool size, so the concurrent figures compare like with like.
  const db = pgDatabase({ connectionString: url });
  await db.exec('create table bench_probe (id integer primary key, n bigint not null)');
  await db.query('insert into bench_probe select g, 0 from generate_series(1, $1) g', [
    CONCURRENT_SESSIONS,
  ]);
  const roundTrips: number[] = [];
  const updates: number[] = [];
  for (let index = 0; index < BASELINE_ROUNDS; index++) {
    let started = performance.now();
    await db.query('select 1');
    roundTrips.push(performance.now() - started);
    started = performance.now();
    await db.query('update bench_probe set n = n + 1 where id = 1');
    updates.push(performance.now() - started);
  }
  // The same 50-way concurrency, each worker reading and updating its own row: the least a
  // turn could send (one read, one durable write).
  const perWorker = 100;
  const rates: number[] = [];
  for (let round = 0; round < CONCURRENT_ROUNDS; round++) {
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENT_SESSIONS }, async (_, worker) => {
        for (let index = 0; index < perWorker; index++) {
          await db.query('select n from bench_probe where id = $1', [worker + 1]);
          await db.query('update bench_probe set n = n + 1 where id = $1', [worker + 1]);
        }
      }),
    );
    rates.push((CONCURRENT_SESSIONS * perWorker) / ((performance.now() - started) / 1000));
  }
  await db.close();
  return {
    roundTrip: median(roundTrips),
    update: median(updates),
    updatesPerSecond: median(rates),
  };
}

async function measurePglite(): Promise<TurnFigures & { roundTrip: number; update: number }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'uaip-bench-pglite-'));
  try {
    // PGlite's floor, in a folder of its own: a bare query and a one-row update.
    const probe = await pgliteDatabase({ dataDir: join(dataDir, 'probe') });
    await probe.exec('create table bench_probe (id integer primary key, n bigint not null)');
    await probe.exec('insert into bench_probe values (1, 0)');
    const roundTrips: number[] = [];
    const updates: number[] = [];
    for (let index = 0; index < BASELINE_ROUNDS; index++) {
      let started = performance.now();
      await probe.query('select 1');
      roundTrips.push(performance.now() - started);
      started = performance.now();
      await probe.query('update bench_probe set n = n + 1 where id = 1');
      updates.push(performance.now() - started);
    }
    await probe.close();

    const storage = await createEmbeddedStorage({ dataDir: join(dataDir, 'storage') });
    try {
      const figures = await measureTurns(storage, PGLITE_SESSIONS);
      return { ...figures, roundTrip: median(roundTrips), update: median(updates) };
    } finally {
      await storage.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

export default async function run(): Promise<BenchReport> {
  const server = await withThrowawayDatabase(async (url) => {
    const baseline = await measureBaseline(url);
    const storage = await createPgStorage({ connectionString: url });
    try {
      return { baseline, turns: await measureTurns(storage, SESSIONS) };
    } finally {
      await storage.close();
    }
  });
  const lite = await measurePglite();
  const { baseline, turns } = server;

  const measurements: Measurement[] = [
    {
      name: 'postgres: read-and-claim + commit per turn, turns 1-10 (median)',
      value: turns.early,
      unit: 'ms',
      goal: { op: '<=', value: 1.5 },
    },
    {
      name: 'postgres: read-and-claim + commit per turn, turns 91-100 (median)',
      value: turns.late,
      unit: 'ms',
      goal: { op: '<=', value: 1.5 },
    },
    {
      name: 'postgres: turns 91-100 / turns 1-10',
      value: turns.late / turns.early,
      unit: 'ratio',
      goal: { op: '<=', value: 1.25 },
    },
    {
      name: `postgres: ${CONCURRENT_SESSIONS} sessions at once`,
      value: turns.perSecond,
      unit: 'turns/s',
      goal: { op: '>=', value: 1500 },
    },
    {
      name: `postgres: ${CONCURRENT_SESSIONS} sessions at once, read then claim (before)`,
      value: turns.perSecondBefore,
      unit: 'turns/s',
    },
    { name: 'baseline: select 1 round trip (median)', value: baseline.roundTrip, unit: 'ms' },
    { name: 'baseline: one-row update, committed (median)', value: baseline.update, unit: 'ms' },
    {
      name: `floor: a select and a one-row update per turn, ${CONCURRENT_SESSIONS} at once`,
      value: baseline.updatesPerSecond,
      unit: 'turns/s',
    },
    {
      name: 'postgres per turn (91-100) / one-row update',
      value: turns.late / baseline.update,
      unit: 'ratio',
    },
    {
      name: 'postgres turns/s / floor turns/s, 50 at once',
      value: turns.perSecond / baseline.updatesPerSecond,
      unit: 'ratio',
      goal: { op: '>=', value: 0.8 },
    },
    { name: 'pglite (folder): per turn, turns 1-10 (median)', value: lite.early, unit: 'ms' },
    { name: 'pglite (folder): per turn, turns 91-100 (median)', value: lite.late, unit: 'ms' },
    {
      name: `pglite (folder): ${CONCURRENT_SESSIONS} sessions at once`,
      value: lite.perSecond,
      unit: 'turns/s',
    },
    {
      name: `pglite (folder): ${CONCURRENT_SESSIONS} sessions at once, read then claim (before)`,
      value: lite.perSecondBefore,
      unit: 'turns/s',
    },
    { name: 'pglite baseline: select 1 (median)', value: lite.roundTrip, unit: 'ms' },
    { name: 'pglite baseline: one-row update (median)', value: lite.update, unit: 'ms' },
    {
      name: 'pglite per turn (91-100) / one-row update',
      value: lite.late / lite.update,
      unit: 'ratio',
    },
  ];
  return {
    backend: 'postgres, pglite',
    measurements,
    notes: [
      `postgres: ${SESSIONS} sessions of ${TURNS} turns after ${WARMUP_SESSIONS} warm-up sessions, then ${CONCURRENT_SESSIONS} sessions x ${CONCURRENT_TURNS} turns at once (median of ${CONCURRENT_ROUNDS} rounds); default pool (10 connections); fsync and synchronous_commit on`,
      `pglite: the same in a temporary folder with ${PGLITE_SESSIONS} sessions; one connection, so "at once" is serialised`,
      'a turn = claimSession (the session read and a conditional UPDATE in one statement, committed without waiting for the WAL flush) + commit (one statement: session row, turn row, one ledger row); before = getSession + claimQuestion + commit, three statements',
      'floor = per turn one SELECT and one durable one-row UPDATE by primary key, the same 50-way concurrency and pool',
    ],
  };
}
