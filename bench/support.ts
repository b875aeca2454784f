import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineStage, defineWorkflow, type LlmProvider } from '@uaip/core';
import pg from 'pg';
import { z } from 'zod';

// Pieces shared by the HTTP and concurrency benchmarks and their child processes.

export const SERVER_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** One stage of `topics` topics, so a session never ends during a benchmark. */
export function manyTopicWorkflow(topics: number) {
  return defineWorkflow({
    id: 'bench',
    version: '1',
    title: 'Bench',
    description: 'One long stage',
    stages: [
      defineStage({
        id: 'long',
        title: 'Long',
        description: 'Many topics',
        topics: Array.from({ length: topics }, (_, index) => ({
          id: `t${index}`,
          question: `Question ${index}?`,
        })),
        artifact: z.object({ summary: z.string() }),
      }),
    ],
  });
}

const scoreReply = JSON.stringify({ score: 9, issues: [], followUp: '' });

/** An in-process LLM that waits `latencyMs` (none for 0) and then accepts the answer. */
export function scoringProvider(latencyMs: number): LlmProvider {
  return {
    id: 'fake',
    async generate(request) {
      const started = Date.now();
      if (latencyMs > 0) await sleep(latencyMs);
      return {
        text: scoreReply,
        provider: 'fake',
        model: 'fake',
        attempts: [
          {
            provider: 'fake',
            model: 'fake',
            tier: request.tier,
            inputTokens: 100,
            outputTokens: 20,
            cacheReadTokens: 0,
            cacheWriteTokens: 0,
            costUsd: 0,
            latencyMs: Date.now() - started,
            outcome: 'ok',
            errorKind: null,
            at: new Date(started).toISOString(),
          },
        ],
      };
    },
  };
}

/** Runs `work` on a new database of the local server, dropped (with force) afterwards. */
export async function withThrowawayDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const name = `uaip_bench_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

/** A TypeScript file of bench/ in a child Node process that prints one JSON line when ready. */
export interface Child<T> {
  process: ChildProcess;
  ready: T;
  /** CPU seconds (user + system) the child has used so far. */
  cpuSeconds(): number;
  /** CPU seconds the child has spent in the kernel (system time) so far. */
  systemCpuSeconds(): number;
  stop(): Promise<void>;
}

export async function startChild<T>(
  file: string,
  env: Record<string, string>,
  nodeFlags: string[] = [],
): Promise<Child<T>> {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', file], {
    cwd: new URL('..', import.meta.url).pathname,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // 'close' comes after the child's stdout has been read to its end.
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const lines = createInterface({ input: child.stdout! });
  const early = exited.then(() => {
    throw new Error(`${file} exited before it was ready`);
  });
  early.catch(() => {}); // it only matters while racing the first line
  const first = await Promise.race([
    new Promise<string>((resolve) => lines.once('line', resolve)),
    early,
  ]);
  return {
    process: child,
    ready: JSON.parse(first) as T,
    cpuSeconds: () => cpuSecondsOf(child.pid!),
    systemCpuSeconds: () => cpuSecondsOf(child.pid!, 'system'),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** utime + stime (or stime alone) of a process from /proc (Linux), in seconds. */
export function cpuSecondsOf(pid: number, which: 'all' | 'system' = 'all'): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat(5), counted here from field 3; clock ticks of 1/100 s.
    const system = Number(fields[12]);
    return (which === 'system' ? system : Number(fields[11]) + system) / 100;
  } catch {
    return Number.NaN;
  }
}
